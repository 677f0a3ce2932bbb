package dev.orgplane.org;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.http.KeptAnswers;
import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedAnswers;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdempotencyTest extends OrgServiceTest {

  /** The name of a live session of the service, as the keys it claims record their claimant. */
  private static final String LIVE_PROCESS = "(SELECT application_name FROM pg_stat_activity "
      + "WHERE application_name LIKE 'orgplane-org/%' LIMIT 1)";

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> create(String token, String key, String name) {
    return create(org, token, key, name);
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> create(OrgServiceHarness service,
      String token, String key, String name) {
    return service.send(HttpMethod.POST, "/v1/organizations", token, new JsonObject().put("name", name)
        .put("title", "t"), MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key));
  }

  @Test
  void retryWithSameKeyAndBodyReturnsTheFirstAnswerAndCreatesNothingTwice() {
    var alice = org.newUser("alice");
    var key = UUID.randomUUID().toString();
    var name = "idem-" + key.substring(0, 8);
    var first = create(alice.token(), key, name);
    var retry = create(alice.token(), key, name);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(first.bodyAsJsonObject(), retry.bodyAsJsonObject());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(first.getHeader("Location"), retry.getHeader("Location"));
    var listed = org.get("/v1/organizations?q=" + name, alice.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, listed.size());
  }

  @Test
  void sameKeyWithAnotherBodyIs422() {
    var alice = org.newUser("alice");
    var key = UUID.randomUUID().toString();
    assertEquals(201, create(alice.token(), key, "idem-a-" + key.substring(0, 6)).statusCode());
    assertProblem(create(alice.token(), key, "idem-b-" + key.substring(0, 6)), 422, "idempotency_key_reused");
    var sameBody = new JsonObject().put("name", "idem-a-" + key.substring(0, 6)).put("title", "t");
    assertProblem(org.send(HttpMethod.POST, "/v1/organizations?page=2", alice.token(), sameBody,
        MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key)), 422, "idempotency_key_reused");
    assertProblem(org.send(HttpMethod.POST, "/v1/organizations", alice.token(), sameBody,
        MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key).add("X-Create-Key", "ock_other")), 422,
        "idempotency_key_reused");
  }

  @Test
  void keysBelongToTheirCaller() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var key = UUID.randomUUID().toString();
    assertEquals(201, create(alice.token(), key, "idem-al-" + key.substring(0, 6)).statusCode());
    var bobs = create(bob.token(), key, "idem-bo-" + key.substring(0, 6));
    assertEquals(201, bobs.statusCode(), bobs.bodyAsString());
    assertEquals(null, bobs.getHeader("Idempotent-Replayed"));
  }

  /**
   * A process that died mid-request leaves its keys taken, no answer recorded: each is freed after the minute, or at
   * once when the process that claimed it has no database session left (a process killed mid-request loses them with
   * it); one whose process still has a session is not.
   */
  @Test
  void aKeyLeftUnfinishedByADeadProcessIsFreedAfterAMinuteOrOnceItsSessionsAreGone() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var unfinished = "INSERT INTO org.idempotency_keys (principal, key, request_hash, created_at, claimed_by) "
        + "VALUES ('" + alice.id() + "', '%s', 'hash', %s, %s)";
    PgFixture.execute(db,
        unfinished.formatted(KeptAnswers.storedKey("died-long-ago"), "now() - interval '61 seconds'", "NULL"),
        unfinished.formatted(KeptAnswers.storedKey("died-just-now"), "now()", "NULL"),
        unfinished.formatted(KeptAnswers.storedKey("process-gone"), "now()", "'orgplane-org/000000000000'"),
        unfinished.formatted(KeptAnswers.storedKey("process-alive"), "now()", LIVE_PROCESS));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.idempotency_keys WHERE claimed_by LIKE "
        + "'orgplane-org/%' AND claimed_by <> 'orgplane-org/000000000000'"), "the service's sessions carry its name");

    assertEquals(201, create(own, alice.token(), "died-long-ago", "taken-over").statusCode(),
        "the dead request's key is taken over");
    assertProblem(create(own, alice.token(), "died-just-now", "not-yet"), 422, "idempotency_key_reused");
    assertEquals(201, create(own, alice.token(), "process-gone", "taken-at-once").statusCode(),
        "the key of a process without sessions is taken over at once");
    assertProblem(create(own, alice.token(), "process-alive", "not-taken"), 422, "idempotency_key_reused");
  }

  /**
   * A retry whose claim finds the key held by a request that fails and gives it back before the retry reads the row:
   * the retry claims the key again and runs (it read the row that was gone, and failed with 500). A trigger plays the
   * race: the first claim finds the held row and deletes it, as the failing request's release does.
   */
  @Test
  void aRetryWhoseHolderGaveTheKeyBackMeanwhileClaimsItAgain() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    PgFixture.execute(db,
        "INSERT INTO org.idempotency_keys (principal, key, request_hash, claimed_by) VALUES ('" + alice.id() + "', '"
            + KeptAnswers.storedKey("given-back") + "', 'hash', " + LIVE_PROCESS + ")",
        "CREATE FUNCTION org.give_back_while_claimed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            + "DELETE FROM org.idempotency_keys WHERE principal = NEW.principal AND key = NEW.key AND status IS NULL; "
            + "IF FOUND THEN RETURN NULL; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER give_back BEFORE INSERT ON org.idempotency_keys FOR EACH ROW "
            + "EXECUTE FUNCTION org.give_back_while_claimed()");

    var retry = create(own, alice.token(), "given-back", "given-back");
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(null, retry.getHeader("Idempotent-Replayed"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.idempotency_keys WHERE key = '"
        + KeptAnswers.storedKey("given-back") + "' AND status = 201"));
  }

  /**
   * A handler keeps its answer in the transaction that did its work: when the answer cannot be kept, the work is
   * undone too, so no commit can leave work behind a key its retry would run again. (Kept after the commit, a
   * process dying in between left exactly that.)
   */
  @Test
  void workWhoseAnswerCannotBeKeptIsUndoneAndItsRetryRunsOnce() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var owner = own.newUser("owner");
    var roles = "/v1/organizations/" + own.createOrg(owner.token(), "kept").getString("id") + "/roles";
    var role = new JsonObject().put("name", "auditor").put("permissions", new JsonArray().add("app_audit_list"));
    var headers = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", "kept-with-the-work");
    try (var refused = RefusedAnswers.in(db, "org")) {
      assertEquals(500, own.send(HttpMethod.POST, roles, owner.token(), role, headers).statusCode());
      assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.roles WHERE name = 'auditor'"));
      // an organization is founded by one statement, which now shares a transaction with its answer
      assertEquals(500, create(own, owner.token(), "founded-with-the-answer", "founded").statusCode());
      assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE name = 'founded'"));
    }
    var retry = own.send(HttpMethod.POST, roles, owner.token(), role, headers);
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(retry.bodyAsJsonObject(), own.send(HttpMethod.POST, roles, owner.token(), role, headers)
        .bodyAsJsonObject());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.roles WHERE name = 'auditor'"));
    var founded = create(own, owner.token(), "founded-with-the-answer", "founded");
    assertEquals(201, founded.statusCode(), founded.bodyAsString());
    assertNotNull(founded.getHeader("ETag"));
    var replayed = create(own, owner.token(), "founded-with-the-answer", "founded");
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    assertEquals(founded.getHeader("ETag"), replayed.getHeader("ETag"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE name = 'founded'"));
  }

  /** Sends a creation of the organization {@code name} with the key {@code name}, answered later. */
  private Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> sending(OrgServiceHarness service,
      String token, String name) {
    return WebClient.create(vertx).post(service.port(), "127.0.0.1", "/v1/organizations").bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", name).sendJsonObject(new JsonObject().put("name", name).put("title", "t"));
  }

  /** Holds {@code ownerId}'s row, which a creation share-locks: creations by them wait for this COMMIT. */
  private SqlConnection holdOwnerRow(PgUrl db, String ownerId) {
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.users WHERE id = '" + ownerId + "' FOR UPDATE").execute().await();
    return lock;
  }

  /** The requests of this process's services whose clients hung up before their answers (counted as 499). */
  private static long hungUp() {
    return Metrics.registry().find("orgplane_http_server_requests").tag("status", "499").timers().stream()
        .mapToLong(Timer::count).sum();
  }

  /** Waits up to 10 s for {@code count} to find one row. */
  private static void awaitCounted(PgUrl db, String count, String what) throws InterruptedException {
    var deadline = System.currentTimeMillis() + 10_000;
    while (PgFixture.queryLong(db, count) == 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, PgFixture.queryLong(db, count), what);
  }

  /**
   * The client hangs up while its creation waits for a lock; the creation then commits. The key keeps its answer, so
   * the client's retry gets it instead of creating again (or meeting the name it took itself).
   */
  @Test
  void aRequestWhoseClientHungUpKeepsItsKeyForTheRetry() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var lock = holdOwnerRow(db, alice.id());
    var caller = vertx.createHttpClient();
    var request = caller.request(HttpMethod.POST, own.port(), "127.0.0.1", "/v1/organizations").await()
        .putHeader("Authorization", "Bearer " + alice.token()).putHeader("Idempotency-Key", "hung-up")
        .putHeader("Content-Type", "application/json");
    request.send(new JsonObject().put("name", "hung-up").put("title", "t").encode());
    // hung up once the creation waits for the lock: a sleep a busy machine outlasted hung up before it was received
    PgFixture.awaitLockWaits(db, 1);
    var hungUpBefore = hungUp();
    request.connection().close().await();
    // committed once the service has seen the hang-up: after a sleep, a busy machine's service could see it after the
    // commit, and a key given back on the hang-up went unseen
    Eventually.holds(() -> hungUp() > hungUpBefore, "the service never saw its client hang up");
    lock.query("COMMIT").execute().await();
    var answered = "SELECT count(*) FROM org.idempotency_keys WHERE key = '" + KeptAnswers.storedKey("hung-up")
        + "' AND status IS NOT NULL";
    awaitCounted(db, answered, "the answer of the work done is kept with its key");
    var retry = create(own, alice.token(), "hung-up", "hung-up");
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE name = 'hung-up'"));
  }

  /**
   * A retry sent while the first request is still running is told so (409), and when to try again: when the key's
   * hold lapses, or sooner, as the first may end any moment; it creates nothing of its own.
   */
  @Test
  void aRetryWhileTheFirstRequestRunsIsRefusedAsInUse() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var lock = holdOwnerRow(db, alice.id());
    var first = sending(own, alice.token(), "slow");
    var claimed = "key = '" + KeptAnswers.storedKey("slow") + "'";
    awaitCounted(db, "SELECT count(*) FROM org.idempotency_keys WHERE " + claimed + " AND status IS NULL",
        "the first request holds its key");

    var inUse = create(own, alice.token(), "slow", "slow");
    assertProblem(inUse, 409, "idempotency_key_in_use");
    assertEquals("5", inUse.getHeader("Retry-After"), "a minute's hold left: at most 5 s");

    lock.query("COMMIT").execute().await();
    assertEquals(201, first.await().statusCode());
    var retry = create(own, alice.token(), "slow", "slow");
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE name = 'slow'"));
  }

  /**
   * A request that runs past the minute after which its key counts as its dead process's is taken over by the retry;
   * the first then cannot keep its answer and is undone, so the work is done once, by the retry, which keeps its own.
   * A retry shortly before is told how long the hold has left.
   */
  @Test
  void aRequestWhoseKeyWasTakenOverIsUndoneAndTheRetryDoesTheWorkOnce() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var lock = holdOwnerRow(db, alice.id());
    var first = sending(own, alice.token(), "overtaken");
    var claimed = "key = '" + KeptAnswers.storedKey("overtaken") + "'";
    awaitCounted(db, "SELECT count(*) FROM org.idempotency_keys WHERE " + claimed, "the first request holds its key");
    long updated = System.nanoTime();
    PgFixture.execute(db, "UPDATE org.idempotency_keys SET created_at = now() - interval '58.5 seconds' WHERE "
        + claimed);
    var lapsing = create(own, alice.token(), "overtaken", "overtaken");
    var tookMillis = (System.nanoTime() - updated) / 1_000_000;
    assertProblem(lapsing, 409, "idempotency_key_in_use");
    // 1.5 s left at the update, rounded up 2; 1 only if the retry came half a second later, as on a busy machine
    var left = lapsing.getHeader("Retry-After");
    assertTrue(left.equals("2") || tookMillis >= 500 && left.equals("1"),
        "the hold's time left, rounded up: " + left + " s, " + tookMillis + " ms after the update");
    PgFixture.execute(db, "UPDATE org.idempotency_keys SET created_at = now() - interval '61 seconds' WHERE " + claimed);
    var retry = sending(own, alice.token(), "overtaken");
    awaitCounted(db, "SELECT count(*) FROM org.idempotency_keys WHERE " + claimed
        + " AND created_at > now() - interval '1 minute'", "the retry took the key over");

    lock.query("COMMIT").execute().await();
    assertProblem(first.await(), 409, "idempotency_key_in_use");
    assertEquals(201, retry.await().statusCode());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.organizations WHERE name = 'overtaken'"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.idempotency_keys WHERE " + claimed
        + " AND status = 201"));
  }

  /**
   * A client secret is shown once and kept as a digest; its answer, kept for a retry, must not hold it readably:
   * the table names neither the key nor the secret, and the retry still gets the secret.
   */
  @Test
  void keptAnswersHoldNoSecretReadably() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var owner = own.newUser("owner");
    var base = "/v1/organizations/" + own.createOrg(owner.token(), "sealed").getString("id") + "/service-users";
    var bot = own.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    var key = UUID.randomUUID().toString();
    var headers = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", key);
    var first = own.send(HttpMethod.POST, base + "/" + bot + "/credentials", owner.token(), null, headers);
    var retry = own.send(HttpMethod.POST, base + "/" + bot + "/credentials", owner.token(), null, headers);
    var secret = first.bodyAsJsonObject().getString("clientSecret");
    assertEquals(secret, retry.bodyAsJsonObject().getString("clientSecret"));
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.idempotency_keys WHERE status = 201"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.idempotency_keys WHERE key = '" + key
        + "' OR body LIKE '%" + secret + "%' OR body LIKE '%clientSecret%'"));
  }

  /**
   * An answer showing a secret once (a group's create key, made or rotated, a scoped token, a client secret) says
   * {@code Cache-Control: no-store}, and so does its replay: no cache on the way may keep the secret (RFC 6749 5.1
   * asks it of every token answer). They said nothing of caching.
   */
  @Test
  void answersShowingASecretAreNotStoredByCachesFirstOrReplayed() {
    var platformAdmin = org.platformAdminToken();
    var admin = org.newVerifiedUser("groupadmin");
    var gid = notStoredByCaches(platformAdmin, "/v1/organization-groups", new JsonObject().put("name", "secret "
        + UUID.randomUUID())).getString("id");
    notStoredByCaches(platformAdmin, "/v1/organization-groups/" + gid + "/create-key", null);
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var created = org.post("/v1/organizations", admin.token(), new JsonObject().put("name", "nostore-"
        + UUID.randomUUID().toString().substring(0, 8)).put("title", "T").put("groupId", gid));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var orgId = created.bodyAsJsonObject().getString("id");
    notStoredByCaches(admin.token(), "/v1/organization-groups/" + gid + "/organizations/" + orgId + "/token", null);
    var bots = "/v1/organizations/" + orgId + "/service-users";
    var bot = org.post(bots, admin.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    notStoredByCaches(admin.token(), bots + "/" + bot + "/credentials", null);
  }

  /** Sends a keyed POST and its retry, each answered with no-store; the first answer's body. */
  private JsonObject notStoredByCaches(String token, String path, JsonObject body) {
    var headers = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    var first = org.send(HttpMethod.POST, path, token, body, headers);
    assertEquals(2, first.statusCode() / 100, first.bodyAsString());
    assertEquals("no-store", first.getHeader("Cache-Control"), path);
    var replayed = org.send(HttpMethod.POST, path, token, body, headers);
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"), replayed.bodyAsString());
    assertEquals("no-store", replayed.getHeader("Cache-Control"), "the replay of " + path);
    return first.bodyAsJsonObject();
  }

  @Test
  void failedRequestDoesNotHoldItsKey() {
    var alice = org.newUser("alice");
    var key = UUID.randomUUID().toString();
    assertProblem(create(alice.token(), key, "X"), 400, "validation_failed");
    assertEquals(201, create(alice.token(), key, "X".toLowerCase() + "-fixed-" + key.substring(0, 6)).statusCode());
  }

  /**
   * A keyed POST the router refuses, to no such path (404) or to one without POST (405), gives its key back as any
   * failed request does. The key was claimed before the router found no route, and held: a retry met 409
   * {@code idempotency_key_in_use} for a minute, then the refusal again, holding the key once more.
   */
  @Test
  void aKeyedPostTheRouterRefusesDoesNotHoldItsKey() {
    var alice = org.newUser("alice");
    var widgets = "/v1/organizations/" + org.createOrg(alice.token(), "rk-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id") + "/widgets";
    var unrouted = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    var unposted = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    for (var attempt : List.of("first", "retry")) {
      var missing = org.send(HttpMethod.POST, widgets, alice.token(), new JsonObject(), unrouted);
      assertEquals(404, missing.statusCode(), attempt + ": " + missing.bodyAsString());
      var refused = org.send(HttpMethod.POST, "/v1/users/me/", alice.token(), new JsonObject(), unposted);
      assertEquals(405, refused.statusCode(), attempt + ": " + refused.bodyAsString());
    }
  }

  @Test
  void malformedKeyIs400() {
    var alice = org.newUser("alice");
    assertProblem(create(alice.token(), "x".repeat(300), "idem-long"), 400, "invalid_idempotency_key");
  }

  /**
   * Keys are read on POST only, yet by a route of every method: a POST-only catch-all made every unknown path 405.
   * A 405 names the methods the path allows (RFC 9110).
   */
  @Test
  void anUnknownPathIs404AndAWrongMethodOnAKnownOne405() {
    var alice = org.newUser("alice");
    assertProblem(org.get("/v1/organizationz", alice.token()), 404, "not_found");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizationz", alice.token(), new JsonObject()), 404, "not_found");
    var patched = org.send(HttpMethod.PATCH, "/v1/users/me/organizations", alice.token(), new JsonObject());
    assertProblem(patched, 405, "method_not_allowed");
    assertEquals("GET, HEAD", patched.getHeader("Allow"));
    // the router also matches /v1/users/{uid}, whose DELETE the header names as the router would take it
    var put = org.send(HttpMethod.PUT, "/v1/users/me", alice.token(), new JsonObject());
    assertProblem(put, 405, "method_not_allowed");
    assertEquals("GET, HEAD, PATCH, DELETE", put.getHeader("Allow"));
  }

  /**
   * The routes that need no token, and health, come before routes of every method (the token check, the body
   * handler), which made vertx-web forget the method it refused: a wrong one was 404, or 401 without a token.
   */
  @ParameterizedTest
  @CsvSource({"GET, /v1/auth/token, POST", "GET, /v1/auth/register, POST", "GET, /v1/auth/revoke, POST",
      "PUT, /v1/auth/password-resets, POST", "GET, /v1/auth/password-resets/confirm, POST",
      "GET, /v1/auth/email-verifications/confirm, POST", "GET, /v1/auth/email-changes/confirm, POST",
      "DELETE, /v1/auth/token/, POST", "PUT, /health/ready, 'GET, HEAD'", "POST, /health/live, 'GET, HEAD'",
      "POST, /metrics, 'GET, HEAD'"})
  void aWrongMethodOnAPathOpenToAnyoneIs405NamingItsMethods(String method, String path, String allowed) {
    for (var token : Arrays.asList(org.platformAdminToken(), null)) {
      var refused = org.send(HttpMethod.valueOf(method), path, token, null);
      assertProblem(refused, 405, "method_not_allowed");
      assertEquals(allowed, refused.getHeader("Allow"));
    }
  }
}
