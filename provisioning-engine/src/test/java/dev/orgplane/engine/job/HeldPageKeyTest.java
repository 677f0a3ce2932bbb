package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page whose earlier try still runs at org-service, holding the page's {@code Idempotency-Key}, is tried again until
 * that try ends, and gets its answer: its retries met 409 {@code idempotency_key_in_use}, spent the attempts of any
 * passing failure (22 s) and failed the job, though the first try then succeeded. The engine is given 3 attempts instead
 * of the shipped 8 (about 7 s with a 2 s timeout per try, instead of 22 s), so the key need be held only seconds. With
 * a 1 s timeout a loaded machine's slow answers to the pages around the held one spent the 3 attempts (the job failed
 * on a closed connection, its third passing failure, in a full build beside other work).
 */
class HeldPageKeyTest {

  /** Longer than the 3 attempts a page has here, well short of the minute a key is held. */
  private static final long HELD_MILLIS = 10_000;

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aPageWhoseKeyIsHeldLongerThanItsAttemptsSucceedsOnceItIsReleased() throws Exception {
    // org-service lets the page's write wait for the lock as long as the test holds it
    var idle = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"),
        new JsonObject().put("ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS", "120000"));
    var template = TemplateFixture.build(idle.org, "held-key-template");
    var relay = CountingRelay.start(vertx, idle.org.port());
    // each try is given up after two seconds, while org-service still runs it
    var engine = idle.through(vertx, relay.port(), new JsonObject().put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "2")
        .put("ORGPLANE_ENGINE_RETRY_ATTEMPTS", "3"));
    var db = idle.db;
    var lock = new AtomicReference<Connection>();
    relay.holdOnce(seen -> seen.method().equals("POST") && seen.path().endsWith("/workspaces:copy"),
        () -> vertx.executeBlocking(() -> {
          var held = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          held.setAutoCommit(false);
          held.createStatement().execute("LOCK TABLE org.workspaces IN SHARE MODE");
          lock.set(held);
          vertx.setTimer(HELD_MILLIS, released -> vertx.executeBlocking(() -> {
            held.rollback();
            held.close();
            return null;
          }));
          return null;
        }));

    var batch = engine.provisionBatch(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "held-key-" + unique()))));

    relay.checkHolds();
    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    assertTrue(lock.get().isClosed(), "the batch ended once the lock was released");
    var job = engine.get("/v1/provisioning/batches/" + batch.getString("id") + "/jobs", template.groupAdmin().token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    var workspaces = EngineHarness.step(job, "workspaces");
    // the first try's answer, given to the try after it ended: the template's five workspaces created
    assertEquals(5, workspaces.getLong("created"), job.encodePrettily());
    assertEquals(0, workspaces.getLong("unchanged"), job.encodePrettily());
  }
}
