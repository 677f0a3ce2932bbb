package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.kit.organization.OrganizationFields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What a job or batch request has in common: the template, its group, the plugins and options. The
 * caller must see the template and administer its group, asked of org-service with the caller's
 * own token; the group in the request, if any, must be the template's. A dry run's naming an owner holds the
 * caller's address too ({@code requesterEmail}, else null), so that its jobs know an owner named by it
 * ({@link Job#ownerIsRequester}).
 */
public record ProvisioningRequest(UUID requestedBy, String requesterEmail, UUID templateOrg, UUID groupId,
    List<String> plugins, JsonObject options, boolean dryRun) {

  public static final Set<String> COMMON_FIELDS = Set.of("templateOrganization", "groupId", "plugins", "options", "dryRun");
  private static final Set<String> OPTIONS = Set.of("copyMembers", CopyContext.COPY_HOOK_SECRETS);
  /** The code of a target the caller sees no organization for. */
  public static final String TARGET_NOT_FOUND = "target_not_found";
  /** The code of a target that is the template itself. */
  public static final String TARGET_IS_TEMPLATE = "target_is_template";
  /**
   * The title a new target sending none is checked with: it is titled with its name, whose rule is the stricter, so
   * what is wrong with such a title is told once, of the name.
   */
  private static final String TITLED_BY_NAME = "titled by its name";
  /** The longest reference to an existing target: an organization's name (an id is shorter). */
  private static final int MAX_TARGET_REF = 63;

  /**
   * Reads and checks the common fields, the caller's own refused on {@code body} before; {@code targets} checks the
   * request's targets once the body is well formed, before the plugins are looked up. {@code ownerNamed}: some target
   * names an owner ({@link #namesOwner}), whose plan needs the caller's address.
   */
  public static Future<ProvisioningRequest> read(RoutingContext ctx, RequestBody body, JsonObject json,
      PluginRegistry registry, CallerAccess access, Supplier<Future<Void>> targets, boolean ownerNamed) {
    var templateRef = body.matching("templateOrganization", CallerAccess.ORGANIZATION_REF,
        "must be an organization id or name", true);
    var groupId = body.optionalUuid("groupId");
    var named = namedPlugins(body, json);
    var options = body.optionalObject("options");
    if (options != null) {
      options.fieldNames().stream().sorted().forEach(f -> {
        if (f.equals(CopyContext.EXISTING)) {
          if (Existing.of(options.getValue(f)).isEmpty()) {
            body.reject("options." + f, "must be \"update\" or \"keep\"");
          }
        } else if (!OPTIONS.contains(f)) {
          body.reject("options." + f, "unknown option");
        } else if (!(options.getValue(f) instanceof Boolean)) {
          body.reject("options." + f, "must be true or false");
        }
      });
    }
    var dryRun = json.getValue("dryRun");
    if (dryRun != null && !(dryRun instanceof Boolean)) {
      body.reject("dryRun", "must be true or false");
    }
    body.validate();
    // only once the body and its targets are well formed: an unknown id (422) told first hid the 400 naming what else
    // was wrong
    return targets.get().compose(checked -> read(ctx, access, templateRef, groupId,
        named.isEmpty() ? registry.all() : registry.selection("plugins", named), options, dryRun, ownerNamed));
  }

  private static Future<ProvisioningRequest> read(RoutingContext ctx, CallerAccess access, String templateRef,
      UUID groupId, List<String> plugins, JsonObject options, Object dryRun, boolean ownerNamed) {
    var caller = Caller.of(ctx);
    var requestedBy = UUID.fromString(BearerAuth.principal(ctx).subject());
    return access.organization(caller, templateRef, "template_not_found").compose(template -> {
      var templateGroup = template.getString("groupId");
      if (groupId != null && !groupId.toString().equals(templateGroup)) {
        throw new ApiException(422, "group_mismatch", "The template is not in organization group " + groupId + ".");
      }
      var templateId = template.getString("id");
      var planned = Boolean.TRUE.equals(dryRun);
      return access.requireGroupAdmin(caller, templateGroup)
          .compose(admin -> access.requireOptionRights(caller, templateId, options))
          // a plan cannot ask org-service whose address its owner is as the real run's invitation does (refused the
          // requester's own where they own nothing, self_grant_refused): it knows theirs
          .compose(ok -> requesterEmail(access, caller, planned && ownerNamed))
          .map(email -> new ProvisioningRequest(requestedBy, email, UUID.fromString(templateId),
              UUID.fromString(templateGroup), plugins, options == null ? new JsonObject() : options, planned));
    });
  }

  /**
   * The caller's address where a dry run needs it ({@code needed}: some job of it names an owner), to know whether
   * that owner is its requester ({@link Job#ownerIsRequester}); else null, org-service not asked. Until session 47
   * every dry run's request asked ({@code GET /v1/users/me}): refused 503 while org-service could not answer, and
   * refused a caller it holds no account of, though no owner was named.
   */
  public static Future<String> requesterEmail(CallerAccess access, Caller caller, boolean needed) {
    return needed ? access.email(caller) : Future.succeededFuture();
  }

  /** Whether a new target ({@code target} of a request) names an owner: {@code {..., owner: {email}}}. */
  public static boolean namesOwner(Object target) {
    return target instanceof JsonObject fields && fields.getValue("owner") != null;
  }

  /**
   * The plugin ids a request names, as sent (repeats kept, so that an unknown id is named at its place in the
   * request), or none when it names none ({@code plugins} absent or null): all of them run then. An empty list is
   * refused, not read as naming none: a script that filtered its list down to nothing did not mean to copy members,
   * teams and hooks.
   */
  private static List<String> namedPlugins(RequestBody body, JsonObject json) {
    var named = body.stringList("plugins", false);
    if (json.getValue("plugins") instanceof JsonArray sent && sent.isEmpty()) {
      body.reject("plugins", "must name at least one plugin");
    }
    return named.isEmpty() ? List.of() : json.getJsonArray("plugins").stream().map(String.class::cast).toList();
  }

  /**
   * The reference to an existing target at {@code field} of {@code body} (a job's {@code targetOrganization}, a batch
   * target's {@code organization}), or null when absent: a string of at most {@value #MAX_TARGET_REF} characters
   * without NUL, else refused by name. Whether it names an organization is org-service's to say ({@link CallerAccess}).
   */
  public static String targetRef(RequestBody body, String field) {
    return body.optionalString(field, MAX_TARGET_REF);
  }

  /**
   * Runs {@code check} of one target of a request, found at {@code field} of it (a batch's {@code targets[i]}, a job's
   * {@code target}): the fields its refusal names are named within that one.
   */
  public static void checkTarget(String field, Runnable check) {
    try {
      check.run();
    } catch (ApiException invalid) {
      throw ApiException.invalid("The target is invalid.", invalid.errors().stream()
          .map(error -> new ApiException.FieldError(field + "." + error.field(), error.message())).toList());
    }
  }

  /** Refuses a job's target unless it is exactly one of a new one, {@code target}, and an existing one. */
  public static void checkJobTarget(String targetRef, JsonObject target) {
    if ((targetRef == null) == (target == null)) {
      throw ApiException.invalid("Name either a target to create or a targetOrganization.",
          List.of(new ApiException.FieldError("target", "give exactly one of target and targetOrganization")));
    }
    if (target != null) {
      checkNewTarget(target, "target");
    }
  }

  /**
   * The job for one target ({@link #checkJobTarget checked}): an existing organization {@code targetRef} of the
   * template's group, or a new one described by {@code target}.
   */
  public Future<NewJob> job(RoutingContext ctx, CallerAccess access, String targetRef, JsonObject target) {
    if (target != null) {
      return Future.succeededFuture(newTarget(null, target));
    }
    return access.organization(Caller.of(ctx), targetRef, TARGET_NOT_FOUND)
        .map(existing -> existingTarget(null, existing));
  }

  /**
   * Refuses a new organization described by {@code target} (at {@code field} of the request) for what a mistake would
   * otherwise only show when its job runs.
   */
  public static void checkNewTarget(JsonObject target, String field) {
    checkTarget(field, () -> check(target));
  }

  /** The job for a new organization described by {@code target}, {@link #checkNewTarget checked} when read. */
  public NewJob newTarget(UUID batchId, JsonObject target) {
    return newJob(batchId, null, target);
  }

  /** The job for {@code existing}, an organization as the caller sees it, which must be of the template's group. */
  public NewJob existingTarget(UUID batchId, JsonObject existing) {
    var id = UUID.fromString(existing.getString("id"));
    if (id.equals(templateOrg)) {
      throw new ApiException(422, TARGET_IS_TEMPLATE, "An organization cannot be provisioned from itself.");
    }
    if (!groupId.toString().equals(existing.getString("groupId"))) {
      throw new ApiException(422, "group_mismatch", "The target is not in the template's organization group.");
    }
    return newJob(batchId, id, null);
  }

  /**
   * The job; a new target's owner is kept apart from the organization's own fields, which create it. Whether it is the
   * requester's address is told when the job is queued ({@link JobRepository#insert}), as a retry tells it.
   */
  private NewJob newJob(UUID batchId, UUID targetOrg, JsonObject target) {
    var organization = target == null ? null : target.copy();
    var owner = organization == null ? null : (JsonObject) organization.remove("owner");
    var ownerEmail = owner == null ? null : owner.getString("email");
    return new NewJob(TimeOrderedIds.next(), batchId, requestedBy, templateOrg, groupId, targetOrg, organization,
        ownerEmail, requesterEmail, plugins, options, dryRun);
  }

  /**
   * Refuses a new target's fields as org-service would refuse the organization its job creates, sent titled with
   * its name unless it has a title, and an owner that is no address to invite.
   */
  private static void check(JsonObject target) {
    var organization = new JsonObject().put("title", TITLED_BY_NAME).mergeIn(target);
    var owner = organization.remove("owner");
    var body = RequestBody.of(organization, OrganizationFields.PROFILE);
    OrganizationFields.read(body, true);
    if (target.containsKey("owner")) {
      checkOwner(owner, body);
    }
    body.validate();
  }

  /** A new target's owner is {@code {"email": address}}: the address is invited as its owner once it is made. */
  private static void checkOwner(Object owner, RequestBody body) {
    if (!(owner instanceof JsonObject named) || !named.fieldNames().equals(Set.of("email"))) {
      body.reject("owner", "must be an object with one field, email");
    } else if (!(named.getValue("email") instanceof String email && RequestBody.isEmail(email))) {
      body.reject("owner.email", "must be an email address");
    }
  }
}
