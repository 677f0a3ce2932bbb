package dev.orgplane.engine.job;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineWithTemplate;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An engine's event streams held to the limits its settings give ({@code ORGPLANE_ENGINE_STREAMS_PER_CALLER},
 * {@code ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS}) rather than the defaults, and to its stop's notice rather than its
 * grace ({@code ORGPLANE_SHUTDOWN_GRACE_SECONDS}): each on an idle {@link EngineWithTemplate} of its own with that
 * setting. Each stream is of a job that stays queued on an engine with
 * no workers, so only the limits end it.
 */
class ConfiguredStreamLimitsTest {

  /** How long a head, a body or a stream's close may take under the full suite, beside other builds on two cores. */
  private static final int WAIT_SECONDS = 10;

  @Nested
  class StreamsPerCaller {

    @RegisterExtension
    static final EngineWithTemplate idle = EngineWithTemplate.idle("configured-streams-template")
        .with("ORGPLANE_ENGINE_STREAMS_PER_CALLER", "2");

    @Test
    void aCallerPastTheConfiguredNumberOfStreamsIsAnswered429() {
      var client = client(idle);
      var job = queue(idle, "configured-streams");
      var events = "/v1/provisioning/jobs/" + job + "/events";
      for (int i = 0; i < 2; i++) {
        var status = open(client, idle, events).timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().status();
        assertEquals(200, status, "stream " + i);
      }

      var refused = read(client, idle, events);
      assertEquals(429, refused.getInteger("status"), refused.encode());
      assertEquals("too_many_streams", new JsonObject(refused.getString("body")).getString("code"), refused.encode());
      // nothing left queued for an engine another test starts
      assertEquals(200, idle.engine().post("/v1/provisioning/jobs/" + job + "/cancel", idle.token(), null)
          .statusCode());
    }
  }

  @Nested
  class StreamLifetime {

    @RegisterExtension
    static final EngineWithTemplate idle = EngineWithTemplate.idle("short-streams-template")
        .with("ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS", "1");

    @Test
    void aStreamClosesAfterTheConfiguredLifetime() {
      var job = queue(idle, "short-streams");

      var opened = System.nanoTime();
      var stream = read(client(idle), idle, "/v1/provisioning/jobs/" + job + "/events");
      var openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
      assertEquals(200, stream.getInteger("status"), stream.encode());
      var body = stream.getString("body");
      assertTrue(body.startsWith("event: job"), body);
      // closed without an end: the job goes on, and a client that still watches reconnects
      assertFalse(body.contains("event: end"), body);
      assertTrue(openMillis >= 1000, "open for " + openMillis + " ms");
      var now = idle.engine().get("/v1/provisioning/jobs/" + job, idle.token()).bodyAsJsonObject();
      assertEquals("queued", now.getString("status"), now.encode());
      assertEquals(200, idle.engine().post("/v1/provisioning/jobs/" + job + "/cancel", idle.token(), null)
          .statusCode());
    }
  }

  @Nested
  class StoppingEngine {

    @RegisterExtension
    static final EngineWithTemplate idle = EngineWithTemplate.idle("stopping-streams-template")
        .with("ORGPLANE_SHUTDOWN_GRACE_SECONDS", "30");

    /** A stopping engine lets its streams go while it gives notice, without an end: its stop does not wait for them. */
    @Test
    void aStopLetsTheStreamsGoRatherThanWaitingOutTheGrace() {
      var job = queue(idle, "stopping-streams");
      var stream = open(client(idle), idle, "/v1/provisioning/jobs/" + job + "/events")
          .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
      assertEquals(200, stream.status());

      var stopping = System.nanoTime();
      idle.engine().undeploy(idle.vertx());
      var stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping);
      assertTrue(stopMillis < 15_000, "the stop took " + stopMillis + " ms");
      var received = stream.body().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().toString();
      assertTrue(received.startsWith("event: job"), received);
      assertFalse(received.contains("event: end"), received);
    }
  }

  /** A client on the fixture's Vert.x with room for a few streams at once. */
  private static HttpClient client(EngineWithTemplate idle) {
    return idle.vertx().createHttpClient(new PoolOptions().setHttp1MaxSize(10));
  }

  /** A job of the fixture's template, queued by its group admin: it stays queued on an engine with no workers. */
  private static String queue(EngineWithTemplate idle, String target) {
    var queued = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("target", new JsonObject().put("name", target)));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return queued.bodyAsJsonObject().getString("id");
  }

  /**
   * The fixture's group admin's request for {@code path}, once its head has come, its body read as it comes
   * ({@link ClientCalls#open}: asked for from this thread once the head had come, a stream's first event, come with
   * it, could be missed).
   */
  private static Future<ClientCalls.Opened> open(HttpClient client, EngineWithTemplate idle, String path) {
    return client.request(HttpMethod.GET, idle.engine().port(), "127.0.0.1", path)
        .compose(request -> ClientCalls.open(request.putHeader("Authorization", "Bearer " + idle.token())));
  }

  /**
   * The status and whole body of the fixture's group admin's request for {@code path}, the body read by handlers set
   * before it was sent (asked for later, from the test's thread, a short answer that had already ended could be missed).
   */
  private static JsonObject read(HttpClient client, EngineWithTemplate idle, String path) {
    return client.request(HttpMethod.GET, idle.engine().port(), "127.0.0.1", path)
        .compose(request -> ClientCalls.send(request.putHeader("Authorization", "Bearer " + idle.token())))
        .map(read -> new JsonObject().put("status", read.status()).put("body", read.body().toString()))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
  }
}
