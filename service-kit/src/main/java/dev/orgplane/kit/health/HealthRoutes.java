package dev.orgplane.kit.health;

import dev.orgplane.kit.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the service can do its work
 * (for a database-backed service: migrated and the database answers), as judged by the given check.
 */
public final class HealthRoutes {

  private HealthRoutes() {
  }

  public static void mount(Router router, Supplier<Future<?>> readiness) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> readiness.get()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(v -> ctx.json(new JsonObject().put("status", "UP")))
        .onFailure(err -> Problem.of(503, "not_ready", "Not ready: " + err.getMessage()).writeTo(ctx.response())));
  }
}
