package dev.orgplane.org.setup;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** An organization has at most ORGPLANE_HOOKS_PER_ORGANIZATION hooks, whichever write would create more. */
@ExtendWith(VertxExtension.class)
class HookLimitTest {

  /** Every write that creates hooks past the limit is refused, writing nothing; writes creating none go through. */
  @Test
  void creatingAHookPastTheLimitIsRefusedByEveryWrite(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = limitedTo(vertx, db, 2);
    var owner = org.newUser("owner");
    var full = newOrg(org, owner);
    var first = create(org, owner, full, "h1");
    create(org, owner, full, "h2");

    assertProblem(org.post(hooks(full), owner.token(), hook("h3")), 409, "hook_limit_reached");
    assertProblem(org.send(HttpMethod.PUT, hooks(full) + "/" + UUID.randomUUID(), owner.token(), hook("h3")), 409,
        "hook_limit_reached");
    assertProblem(org.post(hooks(full) + ":batch", owner.token(), new JsonObject().put("items", new JsonArray()
        .add(hook("h3").put("id", UUID.randomUUID().toString())))), 409, "hook_limit_reached");
    var template = newOrg(org, owner);
    create(org, owner, template, "t1");
    create(org, owner, template, "t2");
    storedBeforeTheLimit(db, template, 1);
    var fresh = newOrg(org, owner);
    assertProblem(org.post(hooks(fresh) + ":copy", owner.token(), new JsonObject().put("from", template)), 409,
        "hook_limit_reached");
    assertEquals(0, hooksOf(db, fresh), "the refused copy wrote nothing");
    assertEquals(2, hooksOf(db, full));

    // writes that create none: a replace and a patch of a hook there, a batch of hooks there
    assertEquals(200, org.send(HttpMethod.PUT, hooks(full) + "/" + first, owner.token(), hook("h1").put("active", false))
        .statusCode());
    assertEquals(200, org.send(HttpMethod.PATCH, hooks(full) + "/" + first, owner.token(),
        new JsonObject().put("name", "renamed")).statusCode());
    assertEquals(200, org.post(hooks(full) + ":batch", owner.token(), new JsonObject().put("items", new JsonArray()
        .add(hook("renamed").put("id", first)))).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, hooks(full) + "/" + first, owner.token(), null).statusCode());
    create(org, owner, full, "h3");
  }

  /** An organization with more hooks than the limit (from before it, or before it was lowered) keeps and edits them. */
  @Test
  void anOrganizationOverTheLimitKeepsItsHooksAndCreatesNoMore(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = limitedTo(vertx, db, 2);
    var owner = org.newUser("owner");
    var orgId = newOrg(org, owner);
    var kept = create(org, owner, orgId, "h1");
    storedBeforeTheLimit(db, orgId, 3);

    assertEquals(200, org.send(HttpMethod.PATCH, hooks(orgId) + "/" + kept, owner.token(),
        new JsonObject().put("url", "https://hooks.example.com/moved")).statusCode());
    assertProblem(org.post(hooks(orgId), owner.token(), hook("h5")), 409, "hook_limit_reached");
    assertEquals(4, hooksOf(db, orgId));
  }

  /**
   * The limit and the organization's count, over the limit too, are read by whoever may list its hooks: not without
   * a token, nor by another tenant's owner, to whom the organization is not there, nor by a member whose roles do
   * not let them list its hooks.
   */
  @Test
  void theLimitAndTheCountAreReadByWhoeverMayListTheHooks(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = limitedTo(vertx, db, 2);
    var owner = org.newUser("owner");
    var orgId = newOrg(org, owner);
    create(org, owner, orgId, "h1");
    storedBeforeTheLimit(db, orgId, 2);

    var read = org.get(limitOf(orgId), owner.token());
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(new JsonObject().put("limit", 2).put("hooks", 3), read.bodyAsJsonObject());
    assertProblem(org.get(limitOf(orgId), null), 401, "invalid_token");
    var stranger = org.newUser("stranger");
    newOrg(org, stranger);
    assertProblem(org.get(limitOf(orgId), stranger.token()), 404, "organization_not_found");
    // a member who may read the organization but not its hooks learns nothing of them either
    var orgReader = org.newUser("org-reader");
    var role = org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject()
        .put("name", "org-reader").put("title", "Reader")
        .put("permissions", new JsonArray().add("app_organization_get")));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    org.addMembers(orgId, List.of(orgReader.id()), "org-reader");
    assertProblem(org.get(limitOf(orgId), orgReader.token()), 403, "forbidden");
    assertProblem(org.get(limitOf(orgId) + "?hooks=1", owner.token()), 400, "unknown_parameter");
  }

  /**
   * Two creates at one under the limit, both written and waiting for the organization's lock of setup writes: one is
   * refused, whichever counts second, and the organization ends at the limit, not past it.
   */
  @Test
  void twoCreatesRacingAtTheEdgeLeaveTheOrganizationAtTheLimit(Vertx vertx) throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = limitedTo(vertx, db, 2);
    var owner = org.newUser("owner");
    var orgId = newOrg(org, owner);
    create(org, owner, orgId, "h1");
    List<HttpResponse<Buffer>> answers;
    try (var holder = UncommittedTransaction.begin(db)) {
      holder.run("SELECT pg_advisory_xact_lock(hashtextextended('org.array_references:' || ?::uuid, 0))", orgId);
      var racing = List.of("a", "b").stream().map(name -> CompletableFuture.supplyAsync(
          () -> org.post(hooks(orgId), owner.token(), hook(name)), task -> new Thread(task).start())).toList();
      PgFixture.awaitLockWaits(db, 2);
      holder.commit();
      answers = racing.stream().map(answer -> answer.orTimeout(10, TimeUnit.SECONDS).join()).toList();
    }
    var statuses = answers.stream().map(HttpResponse::statusCode).sorted().toList();
    assertEquals(List.of(201, 409), statuses, answers.stream().map(HttpResponse::bodyAsString).toList().toString());
    assertProblem(answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow(), 409,
        "hook_limit_reached");
    assertEquals(2, hooksOf(db, orgId));
  }

  /**
   * One change is stored once for all its deliveries, one per subscribed hook (V64): what one 390 KB metadata patch
   * stores is one copy of it, however many hooks hear it (40 hooks stored 15.7 MB of it when an organization could have
   * any number and each delivery held its own copy; up to the limit's 2,000 copies until session 43).
   */
  @Test
  void oneChangeIsStoredOnceForAllItsDeliveries(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    int limit = 5;
    var org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOK_POLL_MILLIS", "3600000")
        .put("ORGPLANE_BODY_LIMIT_BYTES", "1048576").put("ORGPLANE_HOOKS_PER_ORGANIZATION", String.valueOf(limit)));
    var owner = org.newUser("owner");
    var orgId = newOrg(org, owner);
    int created = 0;
    for (int i = 0; i < 40; i++) {
      var answer = org.post(hooks(orgId), owner.token(), hook("h" + i));
      if (answer.statusCode() == 201) {
        created++;
      } else {
        assertProblem(answer, 409, "hook_limit_reached");
      }
    }
    assertEquals(limit, created);
    var labels = new JsonObject();
    var random = ThreadLocalRandom.current();
    for (int i = 0; i < 1_500; i++) {
      var value = new StringBuilder();
      while (value.length() < 250) {
        value.append(Long.toHexString(random.nextLong()));
      }
      labels.put("k" + i, value.substring(0, 250));
    }
    var body = new JsonObject().put("metadata", new JsonObject().put("labels", labels));
    var patched = org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, owner.token(), body);
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
    long sent = body.encode().length();
    long stored = PgFixture.queryLong(db, "SELECT coalesce(sum(pg_column_size(payload)), 0) FROM org.hook_payloads");
    assertEquals(limit, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries WHERE payload IS NULL"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_payloads"));
    assertTrue(stored <= 2L * sent, "one patch of " + sent + " bytes stored " + stored + " bytes");
  }

  private static OrgServiceHarness limitedTo(Vertx vertx, PgUrl db, int hooks) {
    return OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOK_POLL_MILLIS", "3600000")
        .put("ORGPLANE_HOOKS_PER_ORGANIZATION", String.valueOf(hooks)));
  }

  private static String newOrg(OrgServiceHarness org, OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "limit-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  private static String hooks(String orgId) {
    return "/v1/organizations/" + orgId + "/hooks";
  }

  private static String limitOf(String orgId) {
    return "/v1/organizations/" + orgId + "/hook-limit";
  }

  private static JsonObject hook(String name) {
    return new JsonObject().put("name", name).put("url", "https://hooks.example.com/" + name)
        .put("events", new JsonArray().add("organization.updated"));
  }

  private static String create(OrgServiceHarness org, OrgServiceHarness.Account owner, String orgId, String name) {
    var created = org.post(hooks(orgId), owner.token(), hook(name));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /** {@code count} hooks written straight to the database, as an organization had them before the limit. */
  private static void storedBeforeTheLimit(PgUrl db, String orgId, int count) {
    PgFixture.execute(db, "INSERT INTO org.hooks (org_id, id, name, url, events, secret) SELECT '" + orgId
        + "', gen_random_uuid(), 'old' || i, 'https://hooks.example.com/', '{organization.updated}', 's' "
        + "FROM generate_series(1, " + count + ") i");
  }

  private static long hooksOf(PgUrl db, String orgId) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM org.hooks WHERE org_id = '" + orgId + "'");
  }
}
