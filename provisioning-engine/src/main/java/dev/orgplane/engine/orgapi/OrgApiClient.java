package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.kit.http.IdempotencyKeys;
import dev.orgplane.kit.http.PathSegment;
import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@link OrgApi} over HTTP with the engine's service token. Every call names the job it works for
 * ({@code Orgplane-Job-Id}), which org-service writes on the audit events the call causes, and the request it is
 * made for ({@code X-Request-Id}), which org-service logs it under: a job's, which outlives the request that queued
 * it, is {@code job-} and the job's id, so that every call of a run is found by the id the client was answered with;
 * the engine's own chores (the end reports, the sweep of copy records) name none. A run's calls name the template it
 * copies too ({@code Orgplane-Template-Id}, {@link #copying}): only copies of that template's objects are the run's to
 * move out of the way of a name its imports take (a template renames them, and a later page of the run names them).
 * A page's writes ({@link #forPage}) carry an {@code Idempotency-Key} made of the page and the request: a page tried
 * again after its answer was lost (a call past its timeout, an engine gone between the write and the checkpoint) gets
 * the answer of the write that landed, and counts what that write created, not unchanged copies. A run's calls name
 * the job's requester too ({@code Orgplane-Requester-Id}, {@link #requestedBy}): org-service writes for them no more
 * than they could write for themself (a group admin's own membership in an organization they do not own).
 */
public final class OrgApiClient implements OrgApi {

  public static final String JOB_HEADER = "Orgplane-Job-Id";
  public static final String TEMPLATE_HEADER = "Orgplane-Template-Id";
  public static final String REQUESTER_HEADER = "Orgplane-Requester-Id";
  /** The request id of a job's calls is this and the job's id: well-formed ({@link RequestIds#isWellFormed}). */
  public static final String JOB_REQUEST_ID = "job-";
  private static final String IMPORT_RESULT = "Orgplane-Import-Result";
  private static final String LOOKUP = FoundOrganizations.PATH.substring("/v1/organizations".length());

  private final WebClient client;
  private final String orgServiceUrl;
  private final String baseUrl;
  private final ServiceToken token;
  private final String jobId;
  private final String requestId;
  /** The template the run copies, or {@code null}. */
  private final String templateId;
  /** Organizations whose pages are read through a cache, and this client's reader of each. */
  private final Map<String, KeptPages.Reader> keptPages;
  /** The page whose writes this client makes ({@link #forPage}), or {@code null}. */
  private final String page;
  /** Who queued the job the run is of ({@link #requestedBy}), or {@code null}. */
  private final String requester;

  public OrgApiClient(WebClient client, String orgServiceUrl, ServiceToken token, String jobId) {
    this(client, orgServiceUrl, token, jobId, jobId == null ? null : JOB_REQUEST_ID + jobId, null, Map.of(), null,
        null);
  }

  private OrgApiClient(WebClient client, String orgServiceUrl, ServiceToken token, String jobId, String requestId,
      String templateId, Map<String, KeptPages.Reader> keptPages, String page, String requester) {
    this.client = client;
    this.orgServiceUrl = orgServiceUrl;
    this.baseUrl = orgServiceUrl + "/v1/organizations/";
    this.token = token;
    this.jobId = jobId;
    this.requestId = requestId;
    this.templateId = templateId;
    this.keptPages = keptPages;
    this.page = page;
    this.requester = requester;
  }

  /** The same client, its calls made for a run that copies {@code template}. */
  public OrgApiClient copying(String template) {
    return new OrgApiClient(client, orgServiceUrl, token, jobId, requestId, template, keptPages, page, requester);
  }

  /**
   * The same client, reading {@code organization}'s pages through {@code pages}, kept pages as one run reads them:
   * make one reader for each run ({@link KeptPages#reader}).
   */
  public OrgApiClient keepingPagesOf(String organization, KeptPages.Reader pages) {
    var kept = new HashMap<>(keptPages);
    kept.put(organization, pages);
    return new OrgApiClient(client, orgServiceUrl, token, jobId, requestId, templateId, Map.copyOf(kept), page,
        requester);
  }

  /** The same client, its calls made for the request of id {@code requestId} ({@link RequestIds#of}). */
  public OrgApiClient forRequest(String requestId) {
    return new OrgApiClient(client, orgServiceUrl, token, jobId, requestId, templateId, keptPages, page, requester);
  }

  /**
   * The same client, writing the page {@code page} names: one name for every try of the same page of a run's step,
   * another for any other page, another pass over the same cursor, or a retry of the job, which copies anew.
   */
  public OrgApiClient forPage(String page) {
    return new OrgApiClient(client, orgServiceUrl, token, jobId, requestId, templateId, keptPages, page, requester);
  }

  /** The same client, its calls made for a job that {@code requester} queued. */
  public OrgApiClient requestedBy(UUID requester) {
    return new OrgApiClient(client, orgServiceUrl, token, jobId, requestId, templateId, keptPages, page,
        requester.toString());
  }

  @Override
  public Future<Page> list(String organization, String path, String cursor, int limit) {
    var kept = keptPages.get(organization);
    if (kept != null) {
      return kept.page(organization, path, cursor, limit, () -> read(organization, path, cursor, limit));
    }
    return read(organization, path, cursor, limit);
  }

  private Future<Page> read(String organization, String path, String cursor, int limit) {
    var query = pageQuery(cursor, limit);
    var url = organization + "/" + path + (path.contains("?") ? "&" + query.substring(1) : query);
    return send(HttpMethod.GET, url, null).map(response -> {
      var body = OrgAnswers.body(response);
      var items = new ArrayList<JsonObject>();
      body.getJsonArray("items", new JsonArray()).forEach(item -> items.add((JsonObject) item));
      return new Page(items, body.getString("nextCursor"));
    });
  }

  /** Names {@code existing} only for "keep", so that the default works with an org-service that does not know it. */
  private static JsonObject keeping(JsonObject request, Existing existing) {
    return existing == Existing.KEEP ? request.put("existing", existing.value()) : request;
  }

  @Override
  public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
    var body = keeping(new JsonObject().put("items", new JsonArray(new ArrayList<>(items))), existing);
    return pageWrite(organization + "/" + path + ":batch", body)
        .map(response -> counts(OrgAnswers.body(response)));
  }

  @Override
  public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
    var request = keeping(new JsonObject().put("from", source), existing);
    if (copySecrets) {
      // named only when asked, so that copies without it still work with an org-service that does not know it
      request.put("copySecrets", true);
    }
    if (!copiedElsewhere.isEmpty()) {
      request.put("copiedElsewhere", new JsonArray(copiedElsewhere.stream().sorted().toList()));
    }
    return pageWrite(target + "/" + path + ":copy" + pageQuery(cursor, limit), request).map(response -> {
      var body = OrgAnswers.body(response);
      var sourceIds = body.getJsonArray("sourceIds", new JsonArray()).stream().map(String.class::cast).toList();
      return new CopiedPage(new PageResult(body.getString("nextCursor"), counts(body), sourceIds),
          body.getLong("deferred", 0L));
    });
  }

  @Override
  public Future<Set<String>> existing(String organization, Collection<String> ids) {
    var asked = List.copyOf(ids);
    var calls = new ArrayList<Future<JsonArray>>();
    for (int from = 0; from < asked.size(); from += MAX_LOOKUP) {
      var chunk = new JsonArray(asked.subList(from, Math.min(asked.size(), from + MAX_LOOKUP)));
      calls.add(send(HttpMethod.POST, organization + "/objects:lookup", new JsonObject().put("ids", chunk))
          .map(response -> OrgAnswers.body(response).getJsonArray("found", new JsonArray())));
    }
    return Future.all(calls).map(done -> {
      var found = new HashSet<String>();
      calls.forEach(call -> call.result().forEach(id -> found.add((String) id)));
      return found;
    });
  }

  @Override
  public Future<HookAllowance> hookAllowance(String organization) {
    return send(HttpMethod.GET, PathSegment.of(organization) + "/hook-limit", null).map(response -> {
      var body = OrgAnswers.body(response);
      return new HookAllowance(body.getInteger("limit"), body.getLong("hooks"));
    });
  }

  private static String pageQuery(String cursor, int limit) {
    return "?limit=" + limit + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
  }

  private static Counts counts(JsonObject answer) {
    return new Counts(answer.getLong("created", 0L), answer.getLong("updated", 0L), answer.getLong("unchanged", 0L));
  }

  @Override
  public Future<Counts> put(String organization, String path, String id, JsonObject body) {
    // the id is one segment: "a/b" is the object a/b of path, not b of path/a
    return Future.succeededFuture(id).map(PathSegment::of)
        .compose(segment -> send(HttpMethod.PUT, organization + "/" + path + "/" + segment, body))
        .map(response -> {
          OrgAnswers.body(response);
          var result = response.getHeader(IMPORT_RESULT);
          if ("unchanged".equals(result)) {
            return new Counts(0, 0, 1);
          }
          return "created".equals(result) || response.statusCode() == 201 ? new Counts(1, 0, 0) : new Counts(0, 1, 0);
        });
  }

  @Override
  public Future<JsonObject> post(String organization, String path, JsonObject body) {
    return send(HttpMethod.POST, organization + "/" + path, body).map(OrgAnswers::body);
  }

  /**
   * {@code GET /v1/organizations/{ref}}, {@code null} when org-service says there is no such
   * organization; any other answer that is not a success (a 404 of a path it does not serve, say) fails.
   */
  public Future<JsonObject> organization(String ref) {
    return send(HttpMethod.GET, PathSegment.of(ref), null)
        .map(response -> response.statusCode() == 404
            && "organization_not_found".equals(OrgAnswers.problem(response).code()) ? null : OrgAnswers.body(response));
  }

  /**
   * {@code POST /v1/organizations:lookup}: the organizations {@code refs} (ids or names, at most
   * {@link FoundOrganizations#MAX_REFS}) in one request; the engine sees every organization, so one not found
   * does not exist.
   */
  public Future<FoundOrganizations> organizations(Collection<String> refs) {
    return send(HttpMethod.POST, LOOKUP, FoundOrganizations.request(refs))
        .map(response -> new FoundOrganizations(OrgAnswers.body(response)));
  }

  /**
   * {@code GET /v1/organizations/{organization}/permissions/{userId}}: what a person may do in the organization now,
   * as org-service decides it for a request of theirs ({@code via} {@code none} when they are not in it).
   */
  public Future<JsonObject> permissionsOf(String organization, String userId) {
    return send(HttpMethod.GET, PathSegment.of(organization) + "/permissions/" + PathSegment.of(userId), null)
        .map(OrgAnswers::body);
  }

  /**
   * {@code GET /v1/organizations/{organization}/users/{userId}}: the member, with the tag a change of their roles names
   * ({@link #setRoles}) so as to be made of this version of them alone. A member answered without one fails: a change
   * named after no version of them could only be sent unguarded, undoing a change made meanwhile.
   */
  public Future<TaggedMember> member(String organization, String userId) {
    return send(HttpMethod.GET, PathSegment.of(organization) + "/users/" + PathSegment.of(userId), null)
        .map(response -> {
          var member = OrgAnswers.body(response);
          var tag = response.getHeader("ETag");
          if (tag == null) {
            throw new IllegalStateException("org-service answered the member " + userId + " of " + organization
                + " without an ETag, which a change of their roles must name (If-Match)");
          }
          return new TaggedMember(member, tag);
        });
  }

  /**
   * {@code PUT /v1/organizations/{organization}/users/{userId}/roles} with {@code If-Match: tag}: org-service refuses
   * it (412 {@code precondition_failed}) once the member has changed since the read that {@code tag} came with.
   */
  public Future<JsonObject> setRoles(String organization, String userId, List<String> roles, String tag) {
    var path = PathSegment.of(organization) + "/users/" + PathSegment.of(userId) + "/roles";
    var body = new JsonObject().put("roles", new JsonArray(roles));
    return token.authorized(bearer -> attempt(HttpMethod.PUT, path, body, bearer,
            MultiMap.caseInsensitiveMultiMap().add("If-Match", tag)))
        .map(OrgAnswers::body);
  }

  /**
   * {@code DELETE /v1/organizations/{organization}/invitations/{invitationId}}: withdraws the pending invitation as an
   * admin does, audited {@code invitation.deleted}.
   */
  public Future<Void> withdrawInvitation(String organization, String invitationId) {
    return send(HttpMethod.DELETE, PathSegment.of(organization) + "/invitations/" + PathSegment.of(invitationId), null)
        .map(response -> {
          OrgAnswers.body(response);
          return null;
        });
  }

  /** A member as {@link #member} read them, and their {@code ETag}. */
  public record TaggedMember(JsonObject member, String tag) {
  }

  /** {@code POST /v1/organizations}: the engine creates target organizations on the requester's behalf. */
  public Future<JsonObject> createOrganization(JsonObject body) {
    return send(HttpMethod.POST, "", body).map(OrgAnswers::body);
  }

  /**
   * {@code POST /v1/provisioning-events:batch}: the organizations' hooks hear that jobs ended, each of {@code reports}
   * ({@code {organization, type, jobId, reportId, details}}, at most 500) one organization's report. org-service
   * records a report once however often it is delivered; it answers each report's outcome, in their order.
   */
  public Future<JsonArray> reportJobsFinished(JsonArray reports) {
    return send(HttpMethod.POST, "/v1/provisioning-events:batch", new JsonObject().put("items", reports))
        .map(response -> OrgAnswers.body(response).getJsonArray("items"));
  }

  /** A POST of a page's writes, under the page's {@code Idempotency-Key} if it has a page. */
  private Future<HttpResponse<Buffer>> pageWrite(String path, JsonObject body) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    if (page != null) {
      headers.add(IdempotencyKeys.HEADER, idempotencyKey(path, body));
    }
    return token.authorized(bearer -> attempt(HttpMethod.POST, path, body, bearer, headers));
  }

  /** The page and the request, digested: the same for every try of one write, well-formed as a key must be. */
  private String idempotencyKey(String path, JsonObject body) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      digest.update((page + "\n" + path + "\n" + body.encode()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String path, JsonObject body) {
    return token.authorized(bearer -> attempt(method, path, body, bearer, MultiMap.caseInsensitiveMultiMap()));
  }

  /** One request, with the headers every call of this client names and {@code headers}, those of this call alone. */
  private Future<HttpResponse<Buffer>> attempt(HttpMethod method, String path, JsonObject body, String bearer,
      MultiMap headers) {
    // the collection itself and its custom methods (":lookup") have no slash after "organizations"; a path from the
    // service's root ("/v1/...") is outside the organizations
    var url = path.startsWith("/") ? orgServiceUrl + path
        : path.isEmpty() || path.startsWith(":") ? baseUrl.substring(0, baseUrl.length() - 1) + path : baseUrl + path;
    HttpRequest<Buffer> request = RequestIds.passedOn(client.requestAbs(method, url).bearerTokenAuthentication(bearer),
        requestId);
    if (jobId != null) {
      request.putHeader(JOB_HEADER, jobId);
    }
    if (templateId != null) {
      request.putHeader(TEMPLATE_HEADER, templateId);
    }
    if (requester != null) {
      request.putHeader(REQUESTER_HEADER, requester);
    }
    request.putHeaders(headers);
    return body == null ? request.send() : request.sendJsonObject(body);
  }
}
