package dev.orgplane.kit.health;

import dev.orgplane.kit.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the service can do its work
 * (for a database-backed service: migrated and the database answers), as judged by the given check.
 */
public final class HealthRoutes {

  public static final String READY = "/health/ready";

  private HealthRoutes() {
  }

  public static void mount(Router router, Supplier<Future<?>> readiness) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get(READY).handler(ctx -> readiness.get()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(v -> ctx.json(new JsonObject().put("status", "UP")))
        .onFailure(err -> notReady(ctx.response(), err.getMessage())));
  }

  /** The readiness check's refusal, saying {@code why}. */
  public static void notReady(HttpServerResponse response, String why) {
    Problem.of(503, "not_ready", "Not ready: " + why).writeTo(response);
  }
}
