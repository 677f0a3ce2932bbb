package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.kit.testing.CursorPages;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs and batches created in one statement and one millisecond (ids of one time, in no particular order among
 * themselves, and one {@code created_at}) page in a total order, the id's: paged a few at a time either way, every
 * row comes exactly once, in the same order each time.
 */
class OneMillisecondPagesTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static OrgServiceHarness.Account caller;
  private static final UUID BATCH = sameMillisecond();
  private static final List<String> BATCHES = new ArrayList<>();
  private static final List<String> JOBS = new ArrayList<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    caller = engine.org.newUser("one-millisecond");
    BATCHES.add(BATCH.toString());
    IntStream.range(0, 6).forEach(i -> BATCHES.add(sameMillisecond().toString()));
    IntStream.range(0, 11).forEach(i -> JOBS.add(sameMillisecond().toString()));
    PgFixture.execute(engine.db,
        "INSERT INTO provisioning.batches (id, requested_by, template_org, group_id, concurrency) "
            + "SELECT b::uuid, '" + caller.id() + "', gen_random_uuid(), gen_random_uuid(), 4 FROM unnest("
            + array(BATCHES) + ") b",
        "INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, plugins) "
            + "SELECT j::uuid, '" + BATCH + "', '" + caller.id() + "', gen_random_uuid(), gen_random_uuid(), '{roles}' "
            + "FROM unnest(" + array(JOBS) + ") j");
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A UUIDv7 of one fixed millisecond with random bits of its own. */
  private static UUID sameMillisecond() {
    var random = UUID.randomUUID();
    return new UUID((0x01a2_3c4f_5000L << 16) | 0x7000L | (random.getMostSignificantBits() & 0x0FFFL),
        random.getLeastSignificantBits());
  }

  private static String array(List<String> ids) {
    return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", ", "ARRAY[", "]"));
  }

  /** The ids of every page of {@code path}, {@code limit} a page, in the order the pages gave them. */
  private static List<String> paged(String path, int limit) {
    return CursorPages.all(cursor -> {
      var page = engine.get(path + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor), caller.token());
      assertEquals(200, page.statusCode(), page.bodyAsString());
      return page.bodyAsJsonObject();
    }).stream().map(item -> item.getString("id")).toList();
  }

  private static void assertPagedOnce(String path, List<String> ids) {
    var oldest = ids.stream().sorted().toList();
    var newest = ids.stream().sorted(Comparator.reverseOrder()).toList();
    for (var limit : new int[] {1, 2, 3, 500}) {
      assertEquals(oldest, paged(path + "?order=oldest", limit), path + " oldest, " + limit + " a page");
      assertEquals(newest, paged(path + "?order=newest", limit), path + " newest, " + limit + " a page");
    }
  }

  @Test
  void jobsOfOneMillisecondPageWithoutGapsOrRepeats() {
    assertPagedOnce("/v1/provisioning/jobs", JOBS);
    assertPagedOnce("/v1/provisioning/batches/" + BATCH + "/jobs", JOBS);
  }

  @Test
  void batchesOfOneMillisecondPageWithoutGapsOrRepeats() {
    assertPagedOnce("/v1/provisioning/batches", BATCHES);
  }
}
