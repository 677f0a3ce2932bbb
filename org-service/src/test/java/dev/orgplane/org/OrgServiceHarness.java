package dev.orgplane.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.ClientSecretBasic;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.CursorPages;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** The real org service on a fresh database, and a client that talks to it like any caller. */
public final class OrgServiceHarness {

  public static final String ADMIN_EMAIL = "admin@test.local";
  public static final String ADMIN_PASSWORD = "admin-password-for-tests";
  /** The provisioning engine's client id is the configured default; its secret is the harness's. */
  public static final String ENGINE_CLIENT_ID = "00000000-0000-4000-8000-00000000e001";
  public static final String ENGINE_SECRET = "engine-secret-for-tests";
  /** bcrypt's least: at the default (10) hashing was half of the tests' time, and no test is about its strength. */
  public static final int PASSWORD_HASH_COST = 4;

  private final WebClient client;
  private final int port;
  private final PgUrl db;
  private final String deploymentId;

  private OrgServiceHarness(WebClient client, int port, PgUrl db, String deploymentId) {
    this.client = client;
    this.port = port;
    this.db = db;
    this.deploymentId = deploymentId;
  }

  public static OrgServiceHarness start(Vertx vertx) {
    return start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS));
  }

  /** On a fresh database, with one configuration key of the test's own on top of the harness defaults. */
  public static OrgServiceHarness start(Vertx vertx, String setting, String value) {
    return start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject().put(setting, value));
  }

  public static OrgServiceHarness start(Vertx vertx, PgUrl db) {
    return start(vertx, db, new JsonObject());
  }

  /** With configuration keys of the test's own on top of the harness defaults. */
  public static OrgServiceHarness start(Vertx vertx, PgUrl db, JsonObject overrides) {
    var verticle = new OrgServiceVerticle(new JsonObject()
        .put("ORGPLANE_PG_URL", db.toString())
        .put("ORGPLANE_ORG_SERVICE_PORT", "0")
        .put("ORGPLANE_PG_POOL_SIZE", "4")
        .put("ORGPLANE_SIGNING_KEY_RELOAD_MILLIS", "500")
        .put("ORGPLANE_BODY_LIMIT_BYTES", "65536")
        .put("ORGPLANE_ADMIN_EMAIL", ADMIN_EMAIL)
        .put("ORGPLANE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .put("ORGPLANE_ENGINE_CLIENT_SECRET", ENGINE_SECRET)
        .put("ORGPLANE_PASSWORD_HASH_COST", String.valueOf(PASSWORD_HASH_COST))
        .mergeIn(overrides));
    var deployed = vertx.deployVerticle(verticle).await();
    return new OrgServiceHarness(WebClient.create(vertx), verticle.port(), db, deployed);
  }

  /** Stops the service as a process stopping would: notice, then drain. */
  public void undeploy(Vertx vertx) {
    vertx.undeploy(deploymentId).await();
  }

  public int port() {
    return port;
  }

  /** The service's database, for what a test checks below the API. */
  public PgUrl db() {
    return db;
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body) {
    return send(method, path, token, body, MultiMap.caseInsensitiveMultiMap());
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Object body, MultiMap headers) {
    var request = client.request(method, port, "127.0.0.1", path).putHeaders(headers);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    if (body == null) {
      return request.send().await();
    }
    var raw = body instanceof JsonObject json ? json.encode() : body.toString();
    return request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(raw)).await();
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null);
  }

  /** The organization's audit events with that action, newest first, as {@code token} reads them. */
  public JsonArray audited(String token, String orgId, String action) {
    return get("/v1/organizations/" + orgId + "/audit-events?action=" + action, token).bodyAsJsonObject()
        .getJsonArray("items");
  }

  /**
   * Sends {@code patch} to the object at {@code path} and asserts it was no change: 200 with the object as it was,
   * its ETag too, and stored as it was.
   */
  public void assertPatchChangesNothing(String path, String token, JsonObject patch) {
    var before = get(path, token);
    var patched = send(HttpMethod.PATCH, path, token, patch);
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    assertEquals(before.bodyAsJsonObject(), patched.bodyAsJsonObject(), patch.encode());
    assertEquals(before.getHeader("ETag"), patched.getHeader("ETag"), patch.encode());
    assertEquals(before.bodyAsJsonObject(), get(path, token).bodyAsJsonObject(), "stored as it was: " + patch.encode());
  }

  /**
   * Sends {@code patch} to the object at {@code path} and asserts it was refused, 400 {@code validation_failed} with
   * exactly {@code errors} ({@code "field: message"}, by field), and changed nothing: the object and its ETag as they
   * were.
   */
  public void assertPatchRefused(String path, String token, JsonObject patch, String... errors) {
    var before = get(path, token);
    var refused = send(HttpMethod.PATCH, path, token, patch);
    assertProblem(refused, 400, "validation_failed");
    assertEquals(List.of(errors), refused.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(JsonObject.class::cast).map(e -> e.getString("field") + ": " + e.getString("message")).sorted().toList(),
        patch.encode());
    var after = get(path, token);
    assertEquals(before.bodyAsJsonObject(), after.bodyAsJsonObject(), "stored as it was: " + patch.encode());
    assertEquals(before.getHeader("ETag"), after.getHeader("ETag"), patch.encode());
  }

  public HttpResponse<Buffer> post(String path, String token, Object body) {
    return send(HttpMethod.POST, path, token, body);
  }

  public HttpResponse<Buffer> requestToken(String email, String password) {
    return client.post(port, "127.0.0.1", "/v1/auth/token").sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "password").add("username", email).add("password", password)).await();
  }

  /** The {@code refresh_token} grant ({@code null}: the form without one). */
  public HttpResponse<Buffer> refresh(String refreshToken) {
    var form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token");
    if (refreshToken != null) {
      form.add("refresh_token", refreshToken);
    }
    return client.post(port, "127.0.0.1", "/v1/auth/token").sendForm(form).await();
  }

  /** RFC 8693 token exchange of {@code subjectToken}, of the type the URN {@code subjectTokenType} names. */
  public HttpResponse<Buffer> exchange(String subjectToken, String subjectTokenType) {
    return exchange(subjectToken, subjectTokenType, null);
  }

  /** {@link #exchange(String, String)} asking for {@code requestedTokenType} (null: not asking). */
  public HttpResponse<Buffer> exchange(String subjectToken, String subjectTokenType, String requestedTokenType) {
    return exchange(subjectToken, subjectTokenType, requestedTokenType, null);
  }

  /** {@link #exchange(String, String, String)} naming the service user to sign in as ({@code client_id}; null: not). */
  public HttpResponse<Buffer> exchange(String subjectToken, String subjectTokenType, String requestedTokenType,
      String clientId) {
    var form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
        .add("subject_token_type", subjectTokenType);
    if (requestedTokenType != null) {
      form.add("requested_token_type", requestedTokenType);
    }
    if (clientId != null) {
      form.add("client_id", clientId);
    }
    if (subjectToken != null) {
      form.add("subject_token", subjectToken);
    }
    return client.post(port, "127.0.0.1", "/v1/auth/token").sendForm(form).await();
  }

  /** RFC 7009 revocation of {@code token} ({@code null}: the form without one). */
  public HttpResponse<Buffer> revoke(String token) {
    var form = MultiMap.caseInsensitiveMultiMap();
    if (token != null) {
      form.add("token", token);
    }
    return client.post(port, "127.0.0.1", "/v1/auth/revoke").sendForm(form).await();
  }

  /** The {@code client_credentials} grant, client id and secret sent with HTTP Basic. */
  public HttpResponse<Buffer> clientCredentials(String clientId, String secret) {
    return client.post(port, "127.0.0.1", "/v1/auth/token")
        .putHeader("Authorization", new ClientSecretBasic(clientId, secret).header())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")).await();
  }

  /** A token of the provisioning engine. */
  public String engineToken() {
    var response = clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("access_token");
  }

  public String token(String email, String password) {
    var response = requestToken(email, password);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("access_token");
  }

  /** A token of the platform admin the harness configures ({@link #ADMIN_EMAIL}). */
  public String platformAdminToken() {
    return token(ADMIN_EMAIL, ADMIN_PASSWORD);
  }

  /**
   * Makes the users members of {@code orgId} with {@code roles} through the platform admin, who adds any person
   * directly: an owner adds only people of their organization's group and invites everyone else.
   */
  public void addMembers(String orgId, List<String> userIds, String... roles) {
    var added = post("/v1/organizations/" + orgId + "/users", platformAdminToken(), new JsonObject()
        .put("userIds", new JsonArray(userIds)).put("roles", new JsonArray(List.of(roles))));
    assertEquals(200, added.statusCode(), added.bodyAsString());
  }

  /** Registers a new user with a unique email and answers their token and id. */
  public Account newUser(String label) {
    var email = label + "-" + UUID.randomUUID() + "@test.local";
    var registered = post("/v1/auth/register", null,
        new JsonObject().put("email", email).put("password", "password-" + label + "-123").put("name", label));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    return new Account(registered.bodyAsJsonObject().getString("id"), email,
        token(email, "password-" + label + "-123"));
  }

  /**
   * A new user whose address counts as verified, set in the database: what confirming the mailed token does
   * (MailedOrgServiceTest.verifiedUser goes through the mail), for tests about what only verified people may do.
   */
  public Account newVerifiedUser(String label) {
    var user = newUser(label);
    PgFixture.execute(db, "UPDATE org.users SET email_verified_at = now() WHERE id = '" + user.id() + "'");
    return user;
  }

  /** A viewer service user in a new organization of a new owner, with one credential and a token of it. */
  public ServiceUser newServiceUser(String label) {
    var owner = newUser(label + "-owner");
    var orgId = createOrg(owner.token(), label + "-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = post(base, owner.token(), new JsonObject().put("name", label)
        .put("roles", new io.vertx.core.json.JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var credential = post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var token = clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
    assertEquals(200, token.statusCode(), token.bodyAsString());
    return new ServiceUser(orgId, credential.getString("clientId"), credential.getString("clientSecret"),
        token.bodyAsJsonObject().getString("access_token"));
  }

  public JsonObject createOrg(String token, String name) {
    return createOrg(token, name, null);
  }

  /** An organization of group {@code groupId} (none: a group of its own), which the caller must administer. */
  public JsonObject createOrg(String token, String name, String groupId) {
    var body = new JsonObject().put("name", name).put("title", name);
    var created = post("/v1/organizations", token, groupId == null ? body : body.put("groupId", groupId));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  /** Every item of the list at {@code path}, read {@code limit} at a time; asserts no page holds more. */
  public List<JsonObject> allPages(String path, String token, int limit) {
    return allPages(path, token, limit, () -> { });
  }

  /** {@link #allPages(String, String, int)}, with {@code afterFirstPage} run between the first page and the next. */
  public List<JsonObject> allPages(String path, String token, int limit, Runnable afterFirstPage) {
    var secondPageAsked = new AtomicBoolean();
    return CursorPages.all(cursor -> {
      if (cursor != null && !secondPageAsked.getAndSet(true)) {
        afterFirstPage.run();
      }
      var page = get(path + (path.contains("?") ? "&" : "?") + "limit=" + limit
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      var body = page.bodyAsJsonObject();
      assertTrue(body.getJsonArray("items").size() <= limit, body.encode());
      return body;
    });
  }

  public static void assertProblem(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals("application/problem+json", response.getHeader("Content-Type"));
    assertEquals(code, response.bodyAsJsonObject().getString("code"), response.bodyAsString());
  }

  /** How a field of text with a line break or another control character is refused ({@code RequestBody.line}). */
  public static final String ONE_LINE = "must be one line, without control characters (line breaks, tabs)";

  /** Asserts 400 {@code validation_failed} with exactly {@code errors} ({@code "field: message"}, by field). */
  public static void assertInvalid(HttpResponse<Buffer> response, String... errors) {
    assertProblem(response, 400, "validation_failed");
    assertEquals(List.of(errors), response.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(JsonObject.class::cast).map(e -> e.getString("field") + ": " + e.getString("message")).sorted().toList(),
        response.bodyAsString());
  }

  /** A registered user. */
  public record Account(String id, String email, String token) {
  }

  /** A service user's organization, client credential and token. */
  public record ServiceUser(String orgId, String clientId, String clientSecret, String token) {
  }
}
