package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.testing.CursorPages;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job and batch lists by filter and order, paged a few at a time: every page follows from the cursor of the one
 * before, in either order, and together they hold exactly the caller's rows that match. The rows are written to the
 * engine's database directly (an idle engine runs none of them), the caller's and another requester's alike.
 */
class ListFiltersTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static OrgServiceHarness.Account caller;
  private static final List<Seeded> jobs = new ArrayList<>();
  private static final List<SeededBatch> batches = new ArrayList<>();
  private static final UUID T1 = UUID.randomUUID();
  private static final UUID T2 = UUID.randomUUID();
  private static final UUID SHARED_TARGET = UUID.randomUUID();
  /**
   * The caller's batches: one with a failed job, one still running (a rollout, whose targets were selected), one
   * that succeeded; and someone else's.
   */
  private static UUID failedBatch;
  private static UUID runningBatch;
  private static UUID succeededBatch;
  private static UUID othersBatch;

  /** A job as written: its batch (or null), requester, template, target and status. */
  private record Seeded(UUID id, UUID batch, UUID requester, UUID template, UUID target, String status) {
  }

  private record SeededBatch(UUID id, UUID requester, UUID template) {
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    caller = engine.org.newUser("lister");
    var me = UUID.fromString(caller.id());
    var someoneElse = UUID.randomUUID();
    failedBatch = batch(me, T1, "succeeded", "failed", "succeeded", "cancelled");
    runningBatch = batch(me, T2, "succeeded", "running", "succeeded");
    othersBatch = batch(someoneElse, T1, "failed", "succeeded");
    succeededBatch = batch(me, T1, "succeeded", "succeeded");
    job(null, me, T1, SHARED_TARGET, "succeeded");
    job(null, me, T2, SHARED_TARGET, "failed");
    job(null, someoneElse, T1, SHARED_TARGET, "failed");
    job(null, me, T2, UUID.randomUUID(), "cancelled");
    job(null, me, T1, UUID.randomUUID(), "failed");
    job(null, me, T1, UUID.randomUUID(), "succeeded");
    write();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static UUID batch(UUID requester, UUID template, String... statuses) {
    var id = TimeOrderedIds.next();
    batches.add(new SeededBatch(id, requester, template));
    for (var status : statuses) {
      job(id, requester, template, UUID.randomUUID(), status);
    }
    return id;
  }

  private static void job(UUID batch, UUID requester, UUID template, UUID target, String status) {
    jobs.add(new Seeded(TimeOrderedIds.next(), batch, requester, template, target, status));
  }

  /** A running job holds a lease of an engine elsewhere, which no claim takes over. */
  private static void write() {
    PgFixture.execute(engine.db,
        "INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) VALUES "
            + batches.stream().map(b -> "('" + b.id() + "', '" + b.requester() + "', '" + b.template() + "', '"
                + UUID.randomUUID() + "', 4)").collect(Collectors.joining(", ")),
        "INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, target_org, plugins, "
            + "status, lease_owner, lease_until) VALUES "
            + jobs.stream().map(j -> "('" + j.id() + "', " + (j.batch() == null ? "NULL" : "'" + j.batch() + "'")
                + ", '" + j.requester() + "', '" + j.template() + "', '" + UUID.randomUUID() + "', '" + j.target()
                + "', '{roles}', '" + j.status() + "', "
                + (j.status().equals("running") ? "'elsewhere', now() + interval '1 day')" : "NULL, NULL)"))
                .collect(Collectors.joining(", ")),
        "UPDATE provisioning.batches SET selection = 'provisionedFrom' WHERE id = '" + runningBatch + "'");
  }

  /** Every item of {@code path}, two a page, as ids in the order the pages gave them. */
  private static List<String> paged(String path, String token) {
    return CursorPages.all(cursor -> {
      var page = engine.get(path + (path.contains("?") ? "&" : "?") + "limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertEquals(200, page.statusCode(), page.bodyAsString());
      var body = page.bodyAsJsonObject();
      assertTrue(body.getJsonArray("items").size() <= 2, body.encode());
      return body;
    }).stream().map(item -> item.getString("id")).toList();
  }

  /** The ids of the caller's seeded jobs that {@code matches} keeps. */
  private static List<String> mine(Predicate<Seeded> matches) {
    return jobs.stream().filter(j -> j.requester().toString().equals(caller.id())).filter(matches)
        .map(j -> j.id().toString()).toList();
  }

  private static List<String> descending(List<String> ids) {
    return ids.stream().sorted(Comparator.reverseOrder()).toList();
  }

  /**
   * {@code path?query} answers the ids {@code expected} in id order, which is creation order to the millisecond
   * (ids of one millisecond are in no particular order), in the default order and oldest first, and in the reverse
   * newest first.
   */
  private static void assertListed(String path, String query, List<String> ids) {
    var expected = ids.stream().sorted().toList();
    var base = path + (query.isEmpty() ? "" : "?" + query);
    var and = query.isEmpty() ? "?" : "&";
    assertEquals(expected, paged(base, caller.token()), base);
    assertEquals(expected, paged(base + and + "order=oldest", caller.token()), base + " oldest");
    assertEquals(descending(expected), paged(base + and + "order=newest", caller.token()), base + " newest");
  }

  @Test
  void theCallersJobsAreFilteredByStatusTemplateTargetAndBatchInEitherOrder() {
    var cases = Map.<String, Predicate<Seeded>>of(
        "", j -> true,
        "status=failed", j -> j.status().equals("failed"),
        "status=running", j -> j.status().equals("running"),
        "template=" + T1, j -> j.template().equals(T1),
        "target=" + SHARED_TARGET, j -> j.target().equals(SHARED_TARGET),
        "batch=" + failedBatch, j -> failedBatch.equals(j.batch()),
        "template=" + T1 + "&status=succeeded", j -> j.template().equals(T1) && j.status().equals("succeeded"),
        "batch=" + failedBatch + "&status=failed", j -> failedBatch.equals(j.batch()) && j.status().equals("failed"),
        "target=" + SHARED_TARGET + "&template=" + T2, j -> j.target().equals(SHARED_TARGET) && j.template().equals(T2),
        "status=queued", j -> false);
    cases.forEach((query, matches) -> assertListed("/v1/provisioning/jobs", query, mine(matches)));
    assertTrue(mine(j -> true).size() > 10, "enough to page through");
  }

  @Test
  void aBatchsJobsAreFilteredByStatusAndTargetInEitherOrder() {
    var path = "/v1/provisioning/batches/" + failedBatch + "/jobs";
    var target = jobs.stream().filter(j -> failedBatch.equals(j.batch())).findFirst().orElseThrow().target();
    assertListed(path, "", mine(j -> failedBatch.equals(j.batch())));
    assertListed(path, "status=succeeded", mine(j -> failedBatch.equals(j.batch()) && j.status().equals("succeeded")));
    assertListed(path, "target=" + target, mine(j -> j.target().equals(target)));
    assertListed(path, "target=" + SHARED_TARGET, List.of());
  }

  @Test
  void theCallersBatchesAreFilteredByTheirStatusAndTemplateInEitherOrder() {
    var path = "/v1/provisioning/batches";
    var all = List.of(failedBatch, runningBatch, succeededBatch).stream().map(UUID::toString).toList();
    assertListed(path, "", all);
    assertListed(path, "status=failed", List.of(failedBatch.toString()));
    assertListed(path, "status=running", List.of(runningBatch.toString()));
    assertListed(path, "status=succeeded", List.of(succeededBatch.toString()));
    assertListed(path, "status=queued", List.of());
    assertListed(path, "template=" + T1, List.of(failedBatch.toString(), succeededBatch.toString()));
    assertListed(path, "template=" + T1 + "&status=succeeded", List.of(succeededBatch.toString()));
    var failed = engine.get(path + "?status=failed", caller.token()).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(0);
    assertEquals(1, failed.getJsonObject("counts").getLong("failed"), failed.encode());
    assertEquals(4, failed.getLong("total"), failed.encode());
  }

  @Test
  void theCallersBatchesAreFilteredByHowTheirTargetsWereChosen() {
    var path = "/v1/provisioning/batches";
    assertListed(path, "selection=provisionedFrom", List.of(runningBatch.toString()));
    assertListed(path, "selection=explicit", List.of(failedBatch.toString(), succeededBatch.toString()));
    assertListed(path, "selection=explicit&template=" + T1 + "&status=succeeded", List.of(succeededBatch.toString()));
    assertListed(path, "selection=provisionedFrom&status=failed", List.of());
    for (var selection : List.of("rollout", "", "EXPLICIT")) {
      assertProblem(engine.get(path + "?selection=" + selection, caller.token()), 400, "invalid_filter");
    }
    assertProblem(engine.get(path + "?selection=explicit&selection=explicit", caller.token()), 400,
        "repeated_parameter");
    assertProblem(engine.get("/v1/provisioning/jobs?selection=explicit", caller.token()), 400, "unknown_parameter");
  }

  @Test
  void filtersShowNothingOfAnotherRequester() {
    assertListed("/v1/provisioning/jobs", "batch=" + othersBatch, List.of());
    assertListed("/v1/provisioning/jobs", "target=" + SHARED_TARGET + "&status=failed",
        mine(j -> j.target().equals(SHARED_TARGET) && j.status().equals("failed")));
    assertProblem(engine.get("/v1/provisioning/batches/" + othersBatch + "/jobs?status=failed", caller.token()), 404,
        "batch_not_found");
  }

  @Test
  void aTokenScopedToAnOrganizationFiltersOnlyTheJobsThatInvolveIt() {
    var platformAdmin = engine.org.platformAdminToken();
    var admin = engine.org.newVerifiedUser("scoped-lister");
    var group = engine.org.post("/v1/organization-groups", platformAdmin, new JsonObject().put("name", "lists"))
        .bodyAsJsonObject().getString("id");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + group + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var organization = engine.org.post("/v1/organizations", admin.token(), new JsonObject()
        .put("name", "lists-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "lists")
        .put("groupId", group)).bodyAsJsonObject().getString("id");
    var scoped = engine.org.post("/v1/organization-groups/" + group + "/organizations/" + organization + "/token",
        admin.token(), null).bodyAsJsonObject().getString("access_token");
    var inIt = TimeOrderedIds.next();
    var elsewhere = TimeOrderedIds.next();
    PgFixture.execute(engine.db, "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, target_org, "
        + "plugins, status) VALUES ('" + inIt + "', '" + admin.id() + "', '" + organization + "', '" + group + "', '"
        + UUID.randomUUID() + "', '{roles}', 'failed'), ('" + elsewhere + "', '" + admin.id() + "', '" + T1 + "', '"
        + group + "', '" + UUID.randomUUID() + "', '{roles}', 'failed')");

    assertEquals(List.of(inIt.toString()), paged("/v1/provisioning/jobs?status=failed&order=newest", scoped));
    assertEquals(List.of(), paged("/v1/provisioning/jobs?template=" + T1, scoped), "another template's job");
    assertEquals(descending(List.of(elsewhere.toString(), inIt.toString())),
        paged("/v1/provisioning/jobs?status=failed&order=newest", admin.token()));
  }

  @Test
  void unknownParametersAndInvalidValuesAreRefusedWithCodes() {
    var lists = List.of("/v1/provisioning/jobs", "/v1/provisioning/batches",
        "/v1/provisioning/batches/" + failedBatch + "/jobs");
    for (var list : lists) {
      var unknown = engine.get(list + "?statuss=failed&limit=2", caller.token());
      assertProblem(unknown, 400, "unknown_parameter");
      assertEquals("statuss", unknown.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
      assertProblem(engine.get(list + "?order=latest", caller.token()), 400, "invalid_order");
      assertProblem(engine.get(list + "?status=done", caller.token()), 400, "invalid_status");
      assertProblem(engine.get(list + "?status=failed&status=running", caller.token()), 400, "repeated_parameter");
      assertProblem(engine.get(list + "?order=newest&cursor=bm90LWFuLWlk", caller.token()), 400, "invalid_cursor");
      assertProblem(engine.get(list + "?limit=0", caller.token()), 400, "invalid_limit");
    }
    for (var filter : List.of("template=abc", "target=1-1-1-1-1", "batch=", "template=" + T1 + "x")) {
      assertProblem(engine.get("/v1/provisioning/jobs?" + filter, caller.token()), 400, "invalid_filter");
    }
    assertProblem(engine.get("/v1/provisioning/batches?target=" + SHARED_TARGET, caller.token()), 400,
        "unknown_parameter");
    assertProblem(engine.get("/v1/provisioning/batches/" + failedBatch + "/jobs?batch=" + failedBatch,
        caller.token()), 400, "unknown_parameter");
    assertProblem(engine.get("/v1/provisioning/batches/" + failedBatch + "/jobs?template=" + T1, caller.token()), 400,
        "unknown_parameter");
  }
}
