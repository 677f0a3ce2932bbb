package dev.orgplane.kit.health;

import dev.orgplane.kit.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: the service can do its work
 * (for a database-backed service: migrated and the database answers), as judged by the given check.
 */
public final class HealthRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRoutes.class);

  private HealthRoutes() {
  }

  /**
   * Why the service is not ready is logged, not answered: the route is public, and the cause names what is behind
   * the service (at the gateway, org-service's internal URL, address and port, from its JWKS fetch). Logged once
   * each time it changes: a balancer asks every few seconds.
   */
  public static void mount(Router router, Supplier<Future<?>> readiness) {
    var unready = new AtomicReference<String>();
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> readiness.get()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(v -> {
          if (unready.getAndSet(null) != null) {
            LOG.info("Ready again");
          }
          ctx.json(new JsonObject().put("status", "UP"));
        })
        .onFailure(err -> {
          var cause = err.toString();
          if (!Objects.equals(unready.getAndSet(cause), cause)) {
            LOG.warn("Not ready: {}", cause);
          }
          Problem.of(503, "not_ready", "The service is not ready; its log says why.").writeTo(ctx.response());
        }));
  }
}
