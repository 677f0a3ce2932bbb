package dev.orgplane.org;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stopping org-service instance checks what comes during its notice as it did before. */
class StoppingInstanceTest {

  private final Vertx vertx = Vertx.vertx();
  /** Another process's instance on the same database: what it revokes reaches the first by its reloads alone. */
  private final Vertx elsewhere = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
    elsewhere.close().await();
  }

  /**
   * Sessions ended at another instance during this one's notice are refused here within a reload, as before the
   * notice: until session 29 the reloads stopped before it, and the token passed here until the drain ended.
   */
  @Test
  void aSessionEndedElsewhereDuringTheNoticeIsRefusedHere() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var stopping = OrgServiceHarness.start(vertx, db, new JsonObject()
        .put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "6000").put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var other = OrgServiceHarness.start(elsewhere, db);
    var token = stopping.newUser("stopping").token();
    assertEquals(200, stopping.get("/v1/users/me", token).statusCode());
    // sessions end for the tokens issued before their second: not this one's, were it issued in it
    Thread.sleep(1_100);

    var stopped = CompletableFuture.runAsync(() -> stopping.undeploy(vertx), task -> new Thread(task).start());
    Eventually.holds(() -> stopping.get("/health/ready", null).statusCode() == 503, "the instance never gave notice");
    var ended = other.send(HttpMethod.DELETE, "/v1/users/me/sessions", token, null);
    assertEquals(204, ended.statusCode(), ended.bodyAsString());

    Eventually.holds(() -> stopping.get("/v1/users/me", token).statusCode() == 401,
        "the stopping instance still took a token whose sessions had ended");
    stopped.get(30, TimeUnit.SECONDS);
  }
}
