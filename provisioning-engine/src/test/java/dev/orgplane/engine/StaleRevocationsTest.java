package dev.orgplane.engine;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine serves a requester's own jobs without asking org-service, judging their token by org-service's list of
 * withdrawn tokens, read every period. A list it never read, or read longer ago than its bound, cannot tell a token
 * withdrawn meanwhile: every token is refused with 503 and the engine is not ready, where it took them all.
 */
class StaleRevocationsTest {

  private static final String REVOCATIONS = "/v1/token-revocations";
  /** A route the engine serves alone: the caller's own jobs. */
  private static final String OWN_JOBS = "/v1/provisioning/jobs";

  private static Vertx vertx;
  private static EngineHarness direct;
  /** What the engine under test reaches org-service through. */
  private static CountingRelay relay;
  private EngineHarness engine;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    direct = EngineHarness.start(vertx);
    relay = CountingRelay.start(vertx, direct.org.port());
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @AfterEach
  void stopEngine() {
    relay.passAll();
    if (engine != null) {
      engine.undeploy(vertx);
    }
  }

  /** An engine reading the list every 200 ms, stale after 3 s without a read, as soon as it listens. */
  private static EngineHarness startingEngine() {
    return direct.startingThrough(vertx, relay.port(), new JsonObject()
        .put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200").put("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS", "3")
        .put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "2"));
  }

  @Test
  void anEngineThatNeverReadTheListRefusesEveryTokenAndIsNotReady() throws InterruptedException {
    var user = direct.org.newUser("unread");
    relay.refuse(REVOCATIONS, 503);
    engine = startingEngine();

    var refused = engine.get(OWN_JOBS, user.token());
    assertProblem(refused, 503, "revocations_unavailable");
    assertEquals("1", refused.getHeader("Retry-After"));
    // the request had the keys fetched: what readiness lacks is the list
    assertProblem(engine.get("/health/ready", null), 503, "not_ready");

    relay.passAll();
    Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 200,
        "the engine never became ready once the list could be read");
    assertEquals(200, engine.get(OWN_JOBS, user.token()).statusCode());
  }

  @Test
  void aTokenWithdrawnWhileTheListCannotBeReadIsRefusedOnceTheListIsStale() throws InterruptedException {
    engine = startingEngine();
    var user = direct.org.newUser("stale");
    Eventually.holds(() -> engine.get(OWN_JOBS, user.token()).statusCode() == 200, "the engine never took a token");
    Thread.sleep(1_100); // tokens count whole seconds: the one in hand must be a second older than the end

    relay.refuse(REVOCATIONS, 503);
    assertEquals(204, direct.org.send(HttpMethod.DELETE, "/v1/users/me/sessions", user.token(), null).statusCode());
    // within the bound the engine may take it (it cannot know of the end); past it, it takes no token at all
    Eventually.holds(() -> engine.get(OWN_JOBS, user.token()).statusCode() == 503,
        "the engine still took the ended token with its list unread for 10 s");
    var refused = engine.get(OWN_JOBS, user.token());
    assertProblem(refused, 503, "revocations_unavailable");
    assertEquals("1", refused.getHeader("Retry-After"));
    assertProblem(engine.get("/health/ready", null), 503, "not_ready");

    relay.passAll();
    Eventually.holds(() -> engine.get(OWN_JOBS, user.token()).statusCode() == 401,
        "the engine did not refuse the ended token once it read the list again");
    assertEquals(200, engine.get(OWN_JOBS, direct.org.token(user.email(), "password-stale-123")).statusCode());
    assertEquals(200, engine.get("/health/ready", null).statusCode());
  }

  /** org-service holding the read: the engine asked again every period, up to a dozen reads on its connections. */
  @Test
  void aReadOrgServiceLeavesUnansweredIsNotAskedAgainUntilItTimesOut() throws InterruptedException {
    engine = startingEngine();
    Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 200, "the engine never became ready");

    relay.leaveUnansweredOnce(REVOCATIONS);
    relay.clear();
    // the reads that came within a second, short of the unanswered read's give-up at 1.5 s (half the staleness
    // bound): counted by when they came, not by when this thread wakes, which on a busy machine may be past the
    // give-up and the reads after it
    var oneSecondOn = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    Thread.sleep(1_000);
    var reads = relay.countBefore("GET", REVOCATIONS, oneSecondOn);
    assertTrue(reads <= 2, reads + " reads in 1 s at a period of 200 ms, with one left unanswered");

    // the unanswered read is given up after 1.5 s, and the next period reads again
    Eventually.holds(() -> relay.count("GET", REVOCATIONS) > reads, "the engine never read again after the timeout");
    Eventually.holds(() -> engine.get("/health/ready", null).statusCode() == 200, "the engine never read the list");
  }
}
