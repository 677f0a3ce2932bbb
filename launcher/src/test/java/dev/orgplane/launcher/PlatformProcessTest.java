package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The order a process stops its services in, asked to or after a start that failed half-way. */
class PlatformProcessTest {

  private static final Settings NO_DRAIN = new Settings(new JsonObject()
      .put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "0").put("ORGPLANE_SHUTDOWN_GRACE_SECONDS", "0"));

  /**
   * Vert.x's close undeployed every service at once: org-service stopped under the gateway's requests in flight and
   * the engine's pages. Each now stops once the one deployed after it has, standalone's gateway first.
   */
  @Test
  void theServicesStopOneAfterAnotherTheLastDeployedFirst() throws Exception {
    var process = new PlatformProcess();
    var stops = new CopyOnWriteArrayList<String>();
    for (var service : List.of("org-service", "provisioning-engine", "api-gateway")) {
      process.deploy(service, NO_DRAIN, () -> new SlowToStop(service, stops), 2);
    }

    process.stopServices().await(10, TimeUnit.SECONDS);

    assertEquals(List.of("api-gateway stops", "api-gateway stops", "api-gateway stopped", "api-gateway stopped",
        "provisioning-engine stops", "provisioning-engine stops", "provisioning-engine stopped",
        "provisioning-engine stopped", "org-service stops", "org-service stops", "org-service stopped",
        "org-service stopped"), stops);
  }

  /**
   * A start that failed half-way (standalone's gateway, its port taken) closed Vert.x, which undeployed the services
   * started before it all at once: org-service stopped under the engine's calls. They now stop as in a stop.
   */
  @Test
  void aStartThatFailedHalfWayStopsWhatItStartedTheLastDeployedFirst() {
    var process = new PlatformProcess();
    var stops = new CopyOnWriteArrayList<String>();
    for (var service : List.of("org-service", "provisioning-engine")) {
      process.deploy(service, NO_DRAIN, () -> new SlowToStop(service, stops), 2);
    }
    assertThrows(LauncherException.class, () -> process.deploy("api-gateway", NO_DRAIN, FailsToStart::new, 1));

    process.abort();

    assertEquals(List.of("provisioning-engine stops", "provisioning-engine stops", "provisioning-engine stopped",
        "provisioning-engine stopped", "org-service stops", "org-service stops", "org-service stopped",
        "org-service stopped"), stops);
  }

  private static final class FailsToStart extends VerticleBase {
    @Override
    public Future<?> start() {
      return Future.failedFuture(new IllegalStateException("the port is taken"));
    }
  }

  /** A service whose stop takes a while, as a drain does, and tells {@code stops} when it begins and ends. */
  private static final class SlowToStop extends VerticleBase {
    private final String service;
    private final List<String> stops;

    SlowToStop(String service, List<String> stops) {
      this.service = service;
      this.stops = stops;
    }

    @Override
    public Future<?> stop() {
      stops.add(service + " stops");
      return vertx.timer(100).andThen(done -> stops.add(service + " stopped"));
    }
  }
}
