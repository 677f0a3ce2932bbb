package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A requester's job list through a token scoped to one organization, on enough jobs for the planner to tell an index
 * from a read of every one: 100,000, half of them one requester's, their ids in creation order; the scope is the
 * template of 10 of the requester's jobs and the target of 5.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedJobListPlanTest {

  private static final UUID REQUESTER = UUID.fromString("eeeeeeee-0000-7000-8000-000000000000");
  private static final UUID SCOPE = UUID.fromString("aaaaaaaa-0000-4000-8000-0000000000ff");

  private final Vertx vertx = Vertx.vertx();
  private Pool pool;

  @BeforeAll
  void seed() {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    PgFixture.execute(db,
        "INSERT INTO provisioning.jobs (id, requested_by, template_org, group_id, target_org, plugins, status) "
            + "SELECT ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, "
            + "CASE WHEN i % 2 = 0 THEN '" + REQUESTER + "'::uuid ELSE gen_random_uuid() END, "
            + "CASE WHEN i % 10000 = 2 THEN '" + SCOPE + "'::uuid "
            + "ELSE ('aaaaaaaa-0000-4000-8000-' || lpad(to_hex(i % 10), 12, '0'))::uuid END, gen_random_uuid(), "
            + "CASE WHEN i % 9973 = 0 THEN '" + SCOPE + "'::uuid ELSE gen_random_uuid() END, '{roles}', "
            + "'succeeded' FROM generate_series(1, 100000) i",
        "VACUUM ANALYZE provisioning.jobs");
    pool = Database.open(vertx, db, 1, List.of()).await();
  }

  @AfterAll
  void close() {
    vertx.close().await();
  }

  /**
   * Planned for its values, as its first calls are, and generic, as a cached statement may be after five: either way
   * a page reads the scope's jobs from the template's index and the target's, not every job of the requester.
   */
  @Test
  void aScopedPageReadsTheScopesJobsNotEveryJobOfTheRequester() {
    for (var newestFirst : List.of(false, true)) {
      var query = query(newestFirst, null);
      var where = new WhereClause().and("requested_by = #", REQUESTER);
      var sql = JobRepository.requestedBySql(where, SCOPE, query);
      var planned = plan(pool.preparedQuery("EXPLAIN " + sql).execute(where.values()).await());
      var generic = plan(pool.withConnection(connection -> connection
          .query("SET plan_cache_mode = force_generic_plan").execute()
          .compose(set -> connection.query("PREPARE scoped(uuid, uuid, uuid, int) AS " + sql).execute())
          .compose(prepared -> connection.query("EXPLAIN EXECUTE scoped('" + REQUESTER + "', '" + query.after()
              + "', '" + SCOPE + "', " + query.page().fetchSize() + ")").execute())
          .eventually(() -> connection.query("DEALLOCATE scoped").execute()
              .compose(done -> connection.query("RESET plan_cache_mode").execute()))).await());
      for (var plan : List.of(planned, generic)) {
        assertTrue(plan.contains("jobs_requested_by_template_idx") && plan.contains("jobs_target_idx"), plan);
        assertFalse(plan.contains("jobs_requested_by_idx") || plan.contains("Seq Scan"), plan);
      }
    }
  }

  /** Pages of three, either way: the scope's jobs as template and as target, each once, in order. */
  @Test
  void scopedPagesHoldTheScopesJobsInOrder() {
    var expected = pool.query("SELECT id FROM provisioning.jobs WHERE requested_by = '" + REQUESTER
        + "' AND (template_org = '" + SCOPE + "' OR target_org = '" + SCOPE + "') ORDER BY id").execute().await();
    var ascending = StreamSupport.stream(expected.spliterator(), false).map(row -> row.getUUID(0)).toList();
    assertEquals(15, ascending.size());
    for (var newestFirst : List.of(false, true)) {
      var listed = new ArrayList<UUID>();
      UUID after = null;
      while (true) {
        var page = JobRepository.requestedBy(pool, REQUESTER, SCOPE, query(newestFirst, after)).await();
        page.stream().limit(3).forEach(job -> listed.add(job.id()));
        if (page.size() <= 3) {
          break;
        }
        after = listed.get(listed.size() - 1);
      }
      var order = newestFirst ? ascending.stream().sorted(Comparator.reverseOrder()).toList() : ascending;
      assertEquals(order, listed, newestFirst ? "newest first" : "oldest first");
    }
  }

  private static ListQuery query(boolean newestFirst, UUID after) {
    var from = after != null ? after : newestFirst ? new UUID(-1, -1) : PageRequest.FIRST_ID;
    return new ListQuery(new PageRequest(3, null), newestFirst, from, null, null, null, null);
  }

  private static String plan(RowSet<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false).map(row -> row.getString(0))
        .collect(Collectors.joining("\n"));
  }
}
