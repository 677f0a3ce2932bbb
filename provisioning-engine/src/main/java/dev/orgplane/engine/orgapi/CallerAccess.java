package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.PathSegment;
import dev.orgplane.kit.http.ProgressEvents;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What the caller may provision, asked of org-service with the caller's own token, so the engine
 * never decides access from its own copy of the rules: an organization the caller cannot see is
 * missing (404), and provisioning needs the admin rights of its group (group admin or platform
 * admin, which are exactly the callers org-service shows the group to).
 */
public final class CallerAccess {

  /** org-service's answers that refuse the caller the group; any other failure says nothing about them. */
  private static final Set<Integer> REFUSALS = Set.of(401, 403, 404);

  private final WebClient client;
  private final String orgServiceUrl;

  /**
   * What names an organization: an id, or a name as org-service takes them. Anything else names none, and sent as a
   * path segment it can ask for something else: an empty one, {@code .} or {@code ..} (dot-segments, which a URL's
   * path drops) asked org-service for its list of organizations, which the caller then got as the organization.
   */
  public static final Pattern ORGANIZATION_REF = Pattern.compile("[a-z0-9_-]{3,63}|[0-9a-fA-F-]{36}");

  /** An id no group has: org-service refuses everyone the group, or cannot answer. */
  private static final String NO_SUCH_ID = new UUID(0, 0).toString();

  /** What editing an organization's hooks takes in org-service, and so carrying their secrets. */
  static final String HOOK_UPDATE = "app_hook_update";
  /** The code of a caller refused a job's carrying of hook secrets ({@link #requireHookEditor}). */
  static final String HOOK_SECRETS_FORBIDDEN = "copy_hook_secrets_forbidden";

  public CallerAccess(WebClient client, String orgServiceUrl) {
    this.client = client;
    this.orgServiceUrl = orgServiceUrl;
  }

  /**
   * The organization {@code ref} (id or name) as the caller sees it, or 404 {@code missingCode}: also for a reference
   * that is neither ({@link #ORGANIZATION_REF}), which is not sent, and for an answer without an {@code id}, which is
   * no organization, whatever path it came from.
   */
  public Future<JsonObject> organization(Caller caller, String ref, String missingCode) {
    if (!ORGANIZATION_REF.matcher(ref).matches()) {
      return Future.failedFuture(missing(missingCode, ref));
    }
    return caller.asking(client.getAbs(orgServiceUrl + "/v1/organizations/"
            + PathSegment.of(ref))).send()
        .map(response -> {
          if (response.statusCode() == 404 || response.statusCode() == 403) {
            throw missing(missingCode, ref);
          }
          var organization = OrgAnswers.body(response);
          if (!(organization.getValue("id") instanceof String)) {
            throw missing(missingCode, ref);
          }
          return organization;
        })
        .recover(CallerAccess::unavailable);
  }

  /**
   * The organizations {@code refs} (ids or names, at most {@link FoundOrganizations#MAX_REFS}) as the caller sees
   * them, asked in one request; those the caller may not see are not found, nor those that are neither
   * ({@link #ORGANIZATION_REF}), which are not sent, as {@link #organization} sends none.
   */
  public Future<FoundOrganizations> organizations(Caller caller, Collection<String> refs) {
    var asked = refs.stream().filter(ORGANIZATION_REF.asMatchPredicate()).toList();
    if (asked.isEmpty()) {
      return Future.succeededFuture(new FoundOrganizations(new JsonObject()));
    }
    return caller.asking(client.postAbs(orgServiceUrl + FoundOrganizations.PATH))
        .sendJsonObject(FoundOrganizations.request(asked))
        .map(response -> new FoundOrganizations(OrgAnswers.body(response)))
        .recover(CallerAccess::unavailable);
  }

  /**
   * The caller's address, as org-service's account of them has it ({@code GET /v1/users/me}); 503 when org-service
   * cannot say.
   */
  public Future<String> email(Caller caller) {
    return caller.asking(client.getAbs(orgServiceUrl + "/v1/users/me")).send()
        .map(response -> OrgAnswers.body(response).getString("email"))
        .recover(CallerAccess::unavailable);
  }

  /** 404 {@code code}: the caller sees no organization {@code ref}. */
  public static ApiException missing(String code, String ref) {
    return ApiException.notFound(code, "No such organization: " + (ref.isBlank() ? "(empty)" : ref) + ".");
  }

  /**
   * Succeeds if the caller administers organization group {@code groupId}; 403 when org-service refuses them
   * the group (401, 403, 404), 503 when it cannot say (down, failing, busy: such an answer refuses no one).
   */
  public Future<Void> requireGroupAdmin(Caller caller, String groupId) {
    return decided(caller.asking(client.getAbs(orgServiceUrl + "/v1/organization-groups/"
            + PathSegment.of(groupId))).send(),
        OrgAnswers::ok, () -> ApiException.forbidden("forbidden",
            "Provisioning needs group admin rights in the template's organization group."));
  }

  /**
   * Succeeds if the caller administers organization group {@code groupId} or is a platform admin, who may do anything
   * with any group's work, a group deleted since included: org-service shows a deleted group to no one, so a platform
   * admin is asked of org-service's account of the caller ({@code GET /v1/users/me}) once the group refuses them. A
   * token scoped to one organization carries no platform powers, and is not asked about. 403 for anyone else, 503
   * when org-service cannot say.
   */
  private Future<Void> requireGroupOrPlatformAdmin(RoutingContext ctx, String groupId) {
    var caller = Caller.of(ctx);
    return requireGroupAdmin(caller, groupId).recover(failure -> failure instanceof ApiException refused
        && refused.status() == 403 && !BearerAuth.principal(ctx).isScoped()
        ? decided(caller.asking(client.getAbs(orgServiceUrl + "/v1/users/me")).send(),
            response -> OrgAnswers.ok(response) && OrgAnswers.body(response).getBoolean("platformAdmin", false),
            () -> refused)
        : Future.failedFuture(failure));
  }

  /**
   * Succeeds if the caller holds the rights that a job's {@code options} need beyond its group's, with template
   * {@code templateId}: carrying the template hooks' secrets ({@link CopyContext#COPY_HOOK_SECRETS}) needs the right
   * to edit them ({@link #requireHookEditor}). The engine's own identity carries them for any job, so this is the
   * check that they travel only for a requester who could set them to anything anyway. Asked when a job is queued
   * and again when it is retried, as the group's rights are, and of its requester when a run of it starts
   * ({@link RequesterRights}).
   */
  public Future<Void> requireOptionRights(Caller caller, String templateId, JsonObject options) {
    return carriesHookSecrets(options) ? requireHookEditor(caller, templateId) : Future.succeededFuture();
  }

  /** Whether a job's {@code options} carry the template hooks' secrets, which takes {@link #HOOK_UPDATE}. */
  static boolean carriesHookSecrets(JsonObject options) {
    return options != null && options.getBoolean(CopyContext.COPY_HOOK_SECRETS, false);
  }

  /**
   * Succeeds if the caller may edit organization {@code organizationId}'s hooks ({@code app_hook_update}), which
   * carrying its hooks' secrets into copies needs: 403 {@code copy_hook_secrets_forbidden} when org-service's list of
   * what they may do there lacks it or it refuses them the organization, 503 when it cannot say.
   */
  public Future<Void> requireHookEditor(Caller caller, String organizationId) {
    return decided(caller.asking(client.getAbs(orgServiceUrl + "/v1/organizations/"
            + PathSegment.of(organizationId) + "/permissions/me")).send(),
        response -> OrgAnswers.ok(response)
            && OrgAnswers.body(response).getJsonArray("permissions").contains(HOOK_UPDATE),
        () -> ApiException.forbidden(HOOK_SECRETS_FORBIDDEN,
            "Carrying hook secrets needs the right to edit the template's hooks (" + HOOK_UPDATE + ")."));
  }

  /**
   * What org-service's answer to a question about the caller decides: {@code allowed} succeeds; an answer that does
   * not allow (a success that lacks what is asked) or a refusal (401, 403, 404) is {@code refusal}; anything else
   * (down, failing, busy, an answer that cannot be read) refuses no one but is 503.
   */
  private static Future<Void> decided(Future<HttpResponse<Buffer>> answer, Predicate<HttpResponse<Buffer>> allowed,
      Supplier<ApiException> refusal) {
    return answer.<Void>map(response -> {
      if (allowed.test(response)) {
        return null;
      }
      if (OrgAnswers.ok(response) || REFUSALS.contains(response.statusCode())) {
        throw refusal.get();
      }
      throw orgServiceUnavailable();
    }).recover(CallerAccess::unavailable);
  }

  /** What a caller does with a job or batch; each asks for its own rights ({@link #require}). */
  public enum Use { READ, CANCEL, RETRY }

  /**
   * Succeeds if the caller may {@code use} a job or batch; anyone else gets {@code notFound}, as if it did not
   * exist. Its group's admins as they are now and platform admins (a deleted group's work included) may do anything
   * with it. Its requester keeps reading it after losing those rights, but retries only while holding them: a retry
   * runs with the engine's identity and may create an organization owned by the requester, so it needs the rights
   * that queueing needed, checked again (and once more when a run starts, {@link RequesterRights}). A cancel needs
   * them too, except while org-service cannot be asked: stopping work one started never waits for org-service. A
   * token scoped to one organization carries no group rights (org-service shows it no group), so through it the
   * requester only reads, and only what involves that organization: {@code organizations} are a job's template and
   * target, a batch's template.
   */
  public Future<Void> require(RoutingContext ctx, Use use, ApiException notFound, UUID requestedBy, UUID groupId,
      UUID... organizations) {
    var principal = BearerAuth.principal(ctx);
    var requester = requestedBy.toString().equals(principal.subject());
    if (use == Use.READ && requester
        && (!principal.isScoped() || Arrays.asList(organizations).contains(principal.scopedOrganization()))) {
      return Future.succeededFuture();
    }
    return requireGroupOrPlatformAdmin(ctx, groupId.toString()).recover(failure -> {
      if (!(failure instanceof ApiException refused)) {
        return Future.failedFuture(failure);
      }
      if (use == Use.CANCEL && requester && !principal.isScoped() && refused.status() == 503) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(refused.status() == 403 ? notFound : refused);
    });
  }

  /**
   * The one watching a job's or batch's events, as the stream asks again while it is open ({@link ProgressEvents}):
   * their token still good, and {@link #require} to read it still met, so a former admin is let go as a request of
   * theirs would be refused. org-service not answering refuses no one here either: the stream goes on, and its next
   * check asks again.
   */
  public ProgressEvents.Watcher watcher(RoutingContext ctx, ApiException notFound, UUID requestedBy, UUID groupId,
      UUID... organizations) {
    return new ProgressEvents.Watcher(BearerAuth.principal(ctx).subject(), () -> BearerAuth.stillValid(ctx),
        () -> require(ctx, Use.READ, notFound, requestedBy, groupId, organizations).recover(failure ->
            failure instanceof ApiException refused && refused.status() == 503 ? Future.succeededFuture()
                : Future.failedFuture(failure)));
  }

  /**
   * The answer for a job or batch that does not exist: {@code notFound}, as for one the caller may not use; and,
   * like for such one, 503 while org-service cannot say, so an outage does not tell which ids exist (org-service is
   * asked what {@link #require} asks it, for no group).
   */
  public <T> Future<T> absent(RoutingContext ctx, ApiException notFound) {
    return requireGroupOrPlatformAdmin(ctx, NO_SUCH_ID)
        .transform(asked -> Future.failedFuture(asked.failed() && asked.cause() instanceof ApiException refused
            && refused.status() == 503 ? refused : notFound));
  }

  /**
   * org-service refused the caller's input, or answered that the caller's read lost a race with another request (a
   * 409: {@code concurrent_update}, retry): the caller hears why, with its code; org-service down, failing or busy:
   * the request cannot be decided now. A lost race is retryable but no outage: told as one, a caller heard that
   * org-service was down.
   */
  public static <T> Future<T> unavailable(Throwable failure) {
    if (failure instanceof ApiException) {
      return Future.failedFuture(failure);
    }
    if (failure instanceof OrgApiException refused && (!refused.retryable() || refused.status() == 409)) {
      return Future.failedFuture(new ApiException(refused.status(), refused.code(), refused.detail()));
    }
    return Future.failedFuture(orgServiceUnavailable());
  }

  private static ApiException orgServiceUnavailable() {
    return new ApiException(503, "org_service_unavailable", "org-service cannot answer now; try again shortly.");
  }
}
