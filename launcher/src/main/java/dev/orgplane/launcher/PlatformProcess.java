package dev.orgplane.launcher;

import ch.qos.logback.classic.LoggerContext;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.AccessLogSink;
import dev.orgplane.kit.http.ServiceListeners;
import dev.orgplane.kit.metrics.Metrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * One running Orgplane process: a Vert.x instance with metrics, the services deployed into it,
 * and the orderly stop on SIGTERM: the services drain their in-flight requests first (their
 * {@code stop()}), one after another, the last deployed first, then whatever the process owns besides (the embedded
 * database, the data directory's lock) is closed, the last taken first.
 */
final class PlatformProcess {

  /**
   * What the process exits with once a SIGTERM's stop ({@link #stop}, a shutdown hook) is done: the JVM's 128 + the
   * signal's number, as a shell reports a process a signal ended. No failure: a stop asked for (systemd counts it one
   * unless told {@code SuccessExitStatus=143}).
   */
  static final int STOPPED_BY_SIGTERM = 128 + 15;

  private final Vertx vertx = IoTransport.fromEnvironment().builder()
      .with(Metrics.vertxOptions().setPreferNativeTransport(true)).withMetrics(Metrics.factory()).build();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long startedAt = System.nanoTime();
  private final Deque<AutoCloseable> owned = new ConcurrentLinkedDeque<>();
  /** The services deployed, the last first: the order a stop undeploys them in. */
  private final Deque<Deployment> deployments = new ConcurrentLinkedDeque<>();
  private final StopTimeout stopTimeout = new StopTimeout();
  /** Whether a stop was asked for (SIGTERM, Ctrl-C): a start it cuts short has not failed. */
  private volatile boolean stopping;

  PlatformProcess() {
    // from the first moment on: a stop asked for while the process starts releases what it has started so far
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "orgplane-shutdown"));
  }

  /** The configuration of this process: loaded once, and the environment's unknown keys warned about once. */
  JsonObject loadConfig(JsonObject commandLine) {
    UnknownEnvironmentKeys.warnAbout(System.getenv());
    return ConfigLoader.load(vertx, commandLine).await();
  }

  /**
   * {@code instances} verticles {@code verticle} makes, each on an event loop of its own; {@code settings}: the
   * service's, whose notice and grace a stop waits for.
   */
  void deploy(String service, Settings settings, Supplier<? extends Deployable> verticle, int instances) {
    // before the deployment: a stop asked for while it runs waits for what it started
    stopTimeout.cover(settings);
    try {
      var id = vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(instances)).await();
      deployments.push(new Deployment(service, id));
    } catch (RuntimeException e) {
      if (stopping) {
        throw new LauncherException("stopped as asked, before " + service + " started", e);
      }
      throw new LauncherException("cannot start " + service + ": " + StartupFailure.describe(e), e);
    }
  }

  /** Whether services of this process can listen on Unix sockets (see {@link ServiceListeners#unixSockets}). */
  boolean unixSockets() {
    return ServiceListeners.unixSockets(vertx);
  }

  long millisSinceStart() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
  }

  /** Something the process owns besides its services: closed once they have stopped, the last given first. */
  void closeAfterServices(AutoCloseable resource) {
    owned.push(resource);
  }

  /** Blocks until the JVM is asked to stop and the process has stopped. */
  void runUntilStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The shutdown hook: stops the services, then closes what the process owns. */
  private void stop() {
    stopping = true;
    var timeout = stopTimeout.seconds();
    try {
      stopServices().await(timeout, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      System.err.println(
          "orgplane: services did not stop within " + timeout + " s (their notices and graces added up, and a minute)");
    } catch (Exception e) {
      System.err.println("orgplane: services did not stop cleanly: " + e.getMessage());
    }
    closeOwned();
    // the last requests' access lines, and the other log lines, are still in their buffers
    AccessLogSink.closeStandardOutput();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    stopped.countDown();
  }

  /**
   * Undeploys the services one after another, the last deployed first, then closes Vert.x. Its close alone undeploys
   * them all at once: in standalone org-service then stopped under the gateway's requests in flight and the engine's
   * pages, which failed with reset connections. Deployed as org-service, the engine, the gateway, they stop as the
   * gateway (no new requests), the engine (its jobs handed back, their pages written), org-service.
   */
  Future<Void> stopServices() {
    // a promise of no context: one of the services' event loops, which the close ends, would never be told
    Promise<Void> stopped = Promise.promise();
    undeployLastFirst().onComplete(undeployed -> vertx.close().onComplete(stopped));
    return stopped.future();
  }

  private Future<Void> undeployLastFirst() {
    var deployment = deployments.poll();
    if (deployment == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(deployment.id())
        .recover(e -> {
          // the next ones stop all the same: what they use is closed after them, not before
          System.err.println("orgplane: " + deployment.service() + " did not stop cleanly: " + e.getMessage());
          return Future.succeededFuture();
        })
        .compose(stopped -> undeployLastFirst());
  }

  private record Deployment(String service, String id) {
  }

  /**
   * For a start that failed half-way: stops what was started as a stop does, the last deployed first and within the
   * same time, then returns. The services deployed before the one that failed may be serving already (standalone's
   * org-service and engine, the engine's jobs calling org-service): Vert.x's close alone stopped them all at once, and
   * their requests in flight failed with reset connections.
   */
  void abort() {
    try {
      stopServices().await(stopTimeout.seconds(), TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the start already failed; the operator sees that failure, not this one
    }
    // the shutdown hook, which runs next as the process exits, finds none left to undeploy (those a stop past its
    // time did not reach go with Vert.x's close), and says nothing besides the start's own failure
    deployments.clear();
    closeOwned();
  }

  private void closeOwned() {
    for (var resource = owned.poll(); resource != null; resource = owned.poll()) {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("orgplane: " + e.getMessage());
      }
    }
  }
}
