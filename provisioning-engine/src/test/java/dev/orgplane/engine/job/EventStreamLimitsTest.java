package dev.orgplane.engine.job;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.EngineWithTemplate;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event streams one caller may hold open on an engine instance, jobs' and batches' counted together. */
class EventStreamLimitsTest {

  /** The streams a caller may hold by default, {@code ORGPLANE_ENGINE_STREAMS_PER_CALLER} in the shipped settings. */
  private static final int PER_CALLER = 20;

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("stream-limits-template");

  @Test
  void aCallerWithTwentyStreamsOpenIsAnswered429() {
    var owner = idle.token();
    var queued = idle.engine().post("/v1/provisioning/jobs", owner, new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("target", new JsonObject().put("name", "stream-limits"))).bodyAsJsonObject().getString("id");
    var path = "/v1/provisioning/jobs/" + queued + "/events";
    var client = idle.vertx().createHttpClient(new PoolOptions().setHttp1MaxSize(PER_CALLER + 1));
    for (int i = 0; i < PER_CALLER; i++) {
      assertEquals(200, open(client, idle.engine(), path, owner).statusCode(), "stream " + i);
    }

    // the refusal's body read by handlers set before it was sent: asked for later, from this thread, a short answer
    // that had already ended could be missed
    var refused = client.request(HttpMethod.GET, idle.engine().port(), "127.0.0.1", path)
        .compose(request -> ClientCalls.send(request.putHeader("Authorization", "Bearer " + owner)))
        .map(read -> new JsonObject().put("status", read.status())
            .put("retryAfter", read.response().getHeader("Retry-After")).put("problem", read.body().toJsonObject()))
        .timeout(5, TimeUnit.SECONDS).await();
    assertEquals(429, refused.getInteger("status"));
    assertEquals("10", refused.getString("retryAfter"));
    var problem = refused.getJsonObject("problem");
    assertEquals("too_many_streams", problem.getString("code"), problem.encode());
    // nothing left queued for an engine another test starts
    assertEquals(200, idle.engine().post("/v1/provisioning/jobs/" + queued + "/cancel", owner, null).statusCode());
  }

  private static HttpClientResponse open(HttpClient client, EngineHarness engine, String path,
      String token) {
    return client.request(HttpMethod.GET, engine.port(), "127.0.0.1", path)
        .compose(request -> request.putHeader("Authorization", "Bearer " + token).send())
        .timeout(5, TimeUnit.SECONDS).await();
  }
}
