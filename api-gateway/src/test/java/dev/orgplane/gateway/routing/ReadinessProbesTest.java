package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.metrics.Metrics;
import dev.orgplane.kit.testing.Eventually;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.CloseFuture;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probes of a gateway deployment, which its instances share. */
class ReadinessProbesTest {

  private static final long PROBE_MILLIS = 100;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A service's stand-in whose readiness a test sets. */
  private final class Upstream {
    volatile int readiness = 200;
    final AtomicInteger probes = new AtomicInteger();
    final HttpServer server = vertx.createHttpServer()
        .requestHandler(req -> {
          probes.incrementAndGet();
          req.response().setStatusCode(readiness).end();
        })
        .listen(0, "127.0.0.1").await();

    URI uri() {
      return URI.create("http://127.0.0.1:" + server.actualPort());
    }
  }

  private static RouteTable routesTo(Upstream... upstreams) {
    var addresses = new JsonArray();
    for (var upstream : upstreams) {
      addresses.add(upstream.uri().toString());
    }
    return RouteTable.from(new Settings(new JsonObject()
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:1").put("ORGPLANE_ENGINE_URL", "http://127.0.0.1:2")
        .put("ORGPLANE_ROUTES", new JsonArray().add(new JsonObject().put("prefix", "/v1/").put("upstreams", addresses))
            .encode())));
  }

  private static boolean hasGauge(Upstream upstream) {
    return Metrics.registry().find(ReadinessProbes.READY).tag("upstream", upstream.uri().toString()).gauge() != null;
  }

  /**
   * A deployment's instances stop one by one, each once its own server has drained: the first to stop ended the
   * probes, and the others, still answering requests, went on trusting the readings of that moment.
   */
  @Test
  void theProbesGoOnUntilTheLastInstanceOfTheDeploymentStops() throws InterruptedException {
    var steady = new Upstream();
    var failing = new Upstream();
    var routes = routesTo(steady, failing);
    var readiness = new CopyOnWriteArrayList<Predicate<URI>>();
    var deployment = vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        readiness.add(ReadinessProbes.shared(vertx, routes, PROBE_MILLIS));
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(2)).await();

    ReadinessProbes.release(vertx, deployment);
    failing.readiness = 503;

    for (var instance : List.copyOf(readiness)) {
      Eventually.holds(() -> !instance.test(failing.uri()), "the upstream gone unready was not found so");
      assertTrue(instance.test(steady.uri()));
    }
    assertTrue(hasGauge(failing), "the gauge went with the first instance to stop");
    ReadinessProbes.release(vertx, deployment);
    assertFalse(hasGauge(failing) || hasGauge(steady), "the last instance to stop left the gauges behind");
  }

  /**
   * Vert.x ends what an instance's context made (its timers, its clients) once that instance has stopped: probes made
   * on the context of the instance that asked first stopped with it, though the others, still draining, held them
   * and went on sending by their last readings (an upstream gone unready stayed in, one taken out stayed out).
   */
  @Test
  void theProbesOutliveTheInstanceThatStartedThem() throws InterruptedException {
    var steady = new Upstream();
    var failing = new Upstream();
    var routes = routesTo(steady, failing);
    var asked = new AtomicInteger();
    var other = new AtomicReference<Predicate<URI>>();
    var makerStopped = new AtomicBoolean();
    var otherDrained = Promise.<Void>promise();
    var deployment = vertx.deployVerticle(() -> new VerticleBase() {
      private boolean maker;

      @Override
      public Future<?> start() {
        // the instances start at once, each on its event loop: the one to ask first makes the probes
        synchronized (asked) {
          var readiness = ReadinessProbes.shared(vertx, routes, PROBE_MILLIS);
          maker = asked.getAndIncrement() == 0;
          if (!maker) {
            other.set(readiness);
          }
        }
        return Future.succeededFuture();
      }

      /** As the gateway's: lets go of the probes once drained, the maker at once, the other when the test says. */
      @Override
      public Future<?> stop() {
        var drained = maker ? Future.<Void>succeededFuture() : otherDrained.future();
        return drained.onSuccess(done -> {
          ReadinessProbes.release(vertx, deploymentID());
          if (maker) {
            makerStopped.set(true);
          }
        });
      }
    }, new DeploymentOptions().setInstances(2)).await();

    var undeployed = vertx.undeploy(deployment);
    Eventually.holds(makerStopped::get, "the instance that started the probes did not stop");
    // one probe may still be sent between its stop and Vert.x's end of what its context made
    int sent = failing.probes.get();
    Eventually.holds(() -> failing.probes.get() >= sent + 3, "the probes stopped with the instance that started them");
    failing.readiness = 503;
    Eventually.holds(() -> !other.get().test(failing.uri()), "the upstream gone unready was not found so");
    assertTrue(other.get().test(steady.uri()), "the probes' client was closed with the instance that started them");
    assertTrue(hasGauge(failing), "the gauge went with the first instance to stop");

    otherDrained.complete();
    undeployed.await();
    assertFalse(hasGauge(failing) || hasGauge(steady), "the last instance to stop left the gauges behind");
  }

  /**
   * The probes' client registered with Vert.x's own close future, which a closed client stays on: every deployment
   * undeployed from a Vert.x that goes on (an embedder redeploying the gateway) kept one closed client until Vert.x
   * closed. Vert.x has no public count of what it will close, so the test reads its close future's.
   */
  @Test
  void redeploysLeaveNothingForVertxToClose() throws Exception {
    var routes = routesTo(new Upstream(), new Upstream());
    int before = closedWithVertx();
    for (int deploy = 0; deploy < 5; deploy++) {
      var deployment = vertx.deployVerticle(new VerticleBase() {
        @Override
        public Future<?> start() {
          ReadinessProbes.shared(vertx, routes, PROBE_MILLIS);
          return Future.succeededFuture();
        }

        @Override
        public Future<?> stop() {
          ReadinessProbes.release(vertx, deploymentID());
          return Future.succeededFuture();
        }
      }).await();
      vertx.undeploy(deployment).await();
    }
    Eventually.holds(() -> closedWithVertx() == before, "undeployed probes' clients are still held by Vert.x");
  }

  private int closedWithVertx() {
    try {
      var children = CloseFuture.class.getDeclaredField("children");
      children.setAccessible(true);
      var held = (Map<?, ?>) children.get(((VertxInternal) vertx).closeFuture());
      return held == null ? 0 : held.size();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Vert.x's close future no longer keeps its children as this test reads", e);
    }
  }
}
