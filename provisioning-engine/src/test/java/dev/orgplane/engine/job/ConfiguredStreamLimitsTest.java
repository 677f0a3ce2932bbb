package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An engine's event streams held to the limits its settings give ({@code ORGPLANE_ENGINE_STREAMS_PER_CALLER},
 * {@code ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS}) rather than the defaults. Each stream is of a job that stays queued
 * on an engine with no workers, so only the limits end it.
 */
class ConfiguredStreamLimitsTest {

  /** How long a head, a body or a stream's close may take under the full suite, beside other builds on two cores. */
  private static final int WAIT_SECONDS = 10;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(10));

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aCallerPastTheConfiguredNumberOfStreamsIsAnswered429() {
    var idle = idleEngineWith("ORGPLANE_ENGINE_STREAMS_PER_CALLER", "2");
    var owner = TemplateFixture.build(idle.org, "configured-streams-template");
    var job = queue(idle, owner, "configured-streams");
    var events = "/v1/provisioning/jobs/" + job + "/events";
    for (int i = 0; i < 2; i++) {
      var status = client.request(HttpMethod.GET, idle.port(), "127.0.0.1", events)
          .compose(request -> request.putHeader("Authorization", "Bearer " + token(owner)).send())
          .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().statusCode();
      assertEquals(200, status, "stream " + i);
    }

    var refused = read(idle, events, token(owner));
    assertEquals(429, refused.getInteger("status"), refused.encode());
    assertEquals("too_many_streams", new JsonObject(refused.getString("body")).getString("code"), refused.encode());
    // nothing left queued for an engine another test starts
    assertEquals(200, idle.post("/v1/provisioning/jobs/" + job + "/cancel", token(owner), null).statusCode());
  }

  @Test
  void aStreamClosesAfterTheConfiguredLifetime() {
    var idle = idleEngineWith("ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS", "1");
    var owner = TemplateFixture.build(idle.org, "short-streams-template");
    var job = queue(idle, owner, "short-streams");

    var opened = System.nanoTime();
    var stream = read(idle, "/v1/provisioning/jobs/" + job + "/events", token(owner));
    var openMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
    assertEquals(200, stream.getInteger("status"), stream.encode());
    var body = stream.getString("body");
    assertTrue(body.startsWith("event: job"), body);
    // closed without an end: the job goes on, and a client that still watches reconnects
    assertFalse(body.contains("event: end"), body);
    assertTrue(openMillis >= 1000, "open for " + openMillis + " ms");
    var now = idle.get("/v1/provisioning/jobs/" + job, token(owner)).bodyAsJsonObject();
    assertEquals("queued", now.getString("status"), now.encode());
    assertEquals(200, idle.post("/v1/provisioning/jobs/" + job + "/cancel", token(owner), null).statusCode());
  }

  /** An engine with {@code setting} at {@code value} and no workers, so a job queued on it stays queued. */
  private EngineHarness idleEngineWith(String setting, String value) {
    return EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0").put(setting, value));
  }

  private static String token(TemplateFixture template) {
    return template.groupAdmin().token();
  }

  /** A job of {@code template}'s, queued by its group admin: it stays queued on an engine with no workers. */
  private static String queue(EngineHarness engine, TemplateFixture template, String target) {
    var queued = engine.post("/v1/provisioning/jobs", token(template), new JsonObject()
        .put("templateOrganization", template.templateId()).put("target", new JsonObject().put("name", target)));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    return queued.bodyAsJsonObject().getString("id");
  }

  /**
   * The status and whole body of {@code token}'s request for {@code path}, the body read on the event loop as its head
   * comes (asked for later, from the test's thread, a short answer that had already ended could be missed).
   */
  private JsonObject read(EngineHarness engine, String path, String token) {
    return client.request(HttpMethod.GET, engine.port(), "127.0.0.1", path)
        .compose(request -> request.putHeader("Authorization", "Bearer " + token).send())
        .compose(response -> response.body().map(body -> new JsonObject().put("status", response.statusCode())
            .put("body", body.toString())))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
  }
}
