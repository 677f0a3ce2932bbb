package dev.orgplane.engine;

import dev.orgplane.kit.config.ServiceVerticle;
import io.vertx.core.json.JsonObject;
import dev.orgplane.engine.batch.BatchRoutes;
import dev.orgplane.engine.diff.DiffRoutes;
import dev.orgplane.engine.diff.DiffSlots;
import dev.orgplane.engine.job.CopyRecordSweeper;
import dev.orgplane.engine.job.EndReports;
import dev.orgplane.engine.job.JobRoutes;
import dev.orgplane.engine.job.JobRunner;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.ProvisionedOrganizations;
import dev.orgplane.engine.orgapi.RevokedTokenFeed;
import dev.orgplane.engine.orgapi.ServiceToken;
import dev.orgplane.engine.plugin.PluginJars;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.engine.plugin.PluginRoutes;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.JwksSchedule;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.auth.RemoteJwks;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.ServiceStorage;
import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.db.SessionTimeouts;
import dev.orgplane.kit.http.IdempotencyKeys;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.ProgressEvents;
import dev.orgplane.kit.http.ServiceHttp;
import dev.orgplane.kit.http.ServiceListeners;
import dev.orgplane.kit.http.StreamLimits;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The provisioning engine service. It verifies tokens against org-service's published keys, like
 * the gateway, so a request sent straight to its port is checked just the same.
 */
public final class EngineVerticle extends ServiceVerticle {

  public static final Migrations MIGRATIONS = new Migrations("provisioning", "db/provisioning");
  public static final String EVENT_LOOPS = "ORGPLANE_ENGINE_EVENT_LOOPS";
  private static final String PLUGINS_DIR = "ORGPLANE_PLUGINS_DIR";
  private static final String STREAMS_PER_CALLER = "ORGPLANE_ENGINE_STREAMS_PER_CALLER";
  private static final String STREAM_LIFETIME_SECONDS = "ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS";

  /**
   * The instances to deploy ({@value #EVENT_LOOPS}), each with its own pool and {@code ORGPLANE_ENGINE_WORKERS}
   * job slots, as engines in separate processes would have.
   */
  public static int eventLoops(Settings settings) {
    return settings.eventLoops(EVENT_LOOPS);
  }

  /**
   * Reads what of its configuration needs no database, each value in its range, else throws naming the setting: a
   * launcher checks it before it makes one (standalone's embedded server), so a mistake costs no initdb.
   */
  public static void checkSettings(Settings settings) {
    eventLoops(settings);
    JobRunner.RunnerSettings.from(settings);
    DiffSlots.limit(settings);
    TokenRevocations.Schedule.from(settings);
    ServiceHttp.bodyLimitBytes(settings);
    SessionTimeouts.from(settings);
    Database.checkSettings(settings);
    ProgressEvents.keepAlive(settings);
    clientId(settings);
    settings.directory(PLUGINS_DIR);
    orgTimeoutSeconds(settings);
    StreamLimits.checkSettings(settings, STREAMS_PER_CALLER, STREAM_LIFETIME_SECONDS);
    recordSweepMillis(settings);
  }

  /** Read as org-service reads it, so that both name the same client. */
  private static String clientId(Settings settings) {
    return settings.uuid("ORGPLANE_ENGINE_CLIENT_ID").toString();
  }

  /**
   * How long a call to org-service may go unanswered: it fails (its connection dropped) and is retried, instead of
   * holding its job, whose lease the heartbeat renews, and the job's cancel, for ever: so never 0 (no timeout).
   */
  private static int orgTimeoutSeconds(Settings settings) {
    return settings.integer("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", 1, Integer.MAX_VALUE);
  }

  private static long recordSweepMillis(Settings settings) {
    return settings.periodMillis("ORGPLANE_ENGINE_RECORD_SWEEP_MILLIS");
  }

  private Settings settings;
  private Pool pool;
  /** How long a start waits for its first read of the revoked tokens before it listens regardless. */
  private static final long FIRST_READ_WAIT_SECONDS = 5;
  private ServiceListeners server;
  private JobRunner runner;
  private EndReports endReports;
  private CopyRecordSweeper sweeper;
  private Router router;
  private long idempotencyPurgeTimer = -1;
  private TokenRevocations revocations;
  private TokenVerifier verifier;

  public EngineVerticle(JsonObject commandLine) {
    super(commandLine);
  }

  /** With the configuration its launcher loaded already. */
  public EngineVerticle(Settings loaded) {
    super(loaded);
  }

  @Override
  public Future<?> start() {
    return configuration().compose(loaded -> ServiceStorage.open(vertx, loaded, MIGRATIONS))
        .compose(storage -> {
          settings = storage.settings();
          pool = storage.pool();
          if (settings.string("ORGPLANE_ENGINE_CLIENT_SECRET", "").isEmpty()) {
            throw new IllegalStateException("ORGPLANE_ENGINE_CLIENT_SECRET is not set: the engine needs the client "
                + "secret org-service knows it by to act in organizations");
          }
          var keepAlive = ProgressEvents.keepAlive(settings);
          var clientId = clientId(settings);
          var registry = PluginRegistry.discover(PluginJars.loader(settings.directory(PLUGINS_DIR),
              getClass().getClassLoader()));
          var keys = new RemoteJwks(vertx, settings.string("ORGPLANE_ORG_SERVICE_URL") + "/.well-known/jwks.json",
              JwksSchedule.STANDARD);
          verifier = new TokenVerifier(vertx, List.of(TrustedIssuer.platform(settings, keys)));
          verifier.start();
          var draining = new Draining(vertx, settings);
          var orgServiceUrl = settings.string("ORGPLANE_ORG_SERVICE_URL");
          var http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
              .setReadIdleTimeout(orgTimeoutSeconds(settings))
              .setUserAgent("orgplane-provisioning-engine"), new PoolOptions().setHttp1MaxSize(16));
          var token = new ServiceToken(http, orgServiceUrl, clientId, settings.string("ORGPLANE_ENGINE_CLIENT_SECRET"));
          router = ServiceHttp.router(vertx, "provisioning-engine", ServiceHttp.bodyLimitBytes(settings),
              // as the gateway's: until org-service's keys are known every token sent here is refused; so too until
              // the revocations are read, and once they have grown stale; and org-service refusing the engine's own
              // secret leaves it no work it can do
              draining.readiness(() -> pool.query("SELECT 1").execute().compose(db -> keys.someKnown())
                  .compose(known -> revocations.freshOrFail()).compose(fresh -> token.accepted())));
          revocations = new TokenRevocations(vertx, new RevokedTokenFeed(http, orgServiceUrl, token),
              TokenRevocations.Schedule.from(settings));
          // waited for a few seconds at most before the engine listens: one (re)deployed behind the gateway answered
          // its first callers 503 revocations_unavailable until the read landed; not for ever, as org-service may
          // start after the engine, and until a first read every token is refused (503)
          var firstRead = revocations.start().timeout(FIRST_READ_WAIT_SECONDS, TimeUnit.SECONDS)
              .recover(unread -> Future.<Void>succeededFuture());
          router.route("/v1/*").handler(new BearerAuth(verifier, revocations));
          var idempotency = new IdempotencyKeys(pool, MIGRATIONS.schema());
          idempotency.mount(router);
          // its kept answers are dropped after a day, as org-service's: without this the table only grew
          idempotencyPurgeTimer = idempotency.expiredPurge().hourly(vertx);
          var access = new CallerAccess(http, orgServiceUrl);
          endReports = new EndReports(vertx, pool, http, orgServiceUrl, token);
          var runnerSettings = JobRunner.RunnerSettings.from(settings);
          runner = new JobRunner(vertx, pool, registry, http, token, orgServiceUrl, runnerSettings, endReports);
          new PluginRoutes(registry).mount(router);
          var streamLimits = StreamLimits.configured(vertx, settings, STREAMS_PER_CALLER, STREAM_LIFETIME_SECONDS);
          new JobRoutes(pool, registry, access, runner, endReports, runnerSettings.pollMillis(), keepAlive,
              streamLimits, draining).mount(router);
          new BatchRoutes(pool, registry, access, new ProvisionedOrganizations(http, orgServiceUrl,
              runnerSettings.pageSize()), runner, endReports, runnerSettings.pollMillis(), keepAlive, streamLimits,
              draining).mount(router);
          new DiffRoutes(vertx, pool, registry, access, http, token, orgServiceUrl, runnerSettings,
              new DiffSlots(vertx, DiffSlots.limit(settings))).mount(router);
          runner.start();
          endReports.start(runnerSettings.pollMillis());
          sweeper = new CopyRecordSweeper(vertx, pool, new OrgApiClient(http, orgServiceUrl, token, null),
              recordSweepMillis(settings));
          sweeper.start();
          return firstRead.compose(read -> ServiceListeners.open(vertx, router,
              settings.string("ORGPLANE_INTERNAL_HOST"), settings.listenPort("ORGPLANE_ENGINE_PORT"),
              settings.string("ORGPLANE_ENGINE_SOCKET", ""), draining));
        })
        .onSuccess(s -> server = s)
        .onFailure(refused -> {
          // its outbox's gauge is the process's, not the verticle's: left behind, it was the one every later engine
          // in the process reported through, dead (a launcher retrying, the tests), while the timers go with Vert.x
          if (endReports != null) {
            endReports.stop();
          }
        });
  }

  /** What the route check compares with the OpenAPI document. */
  Router router() {
    return router;
  }

  public int port() {
    return server.port();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(idempotencyPurgeTimer);
    if (sweeper != null) {
      sweeper.stop();
    }
    if (endReports != null) {
      endReports.stop();
    }
    // notice first, as org-service and the gateway give it, while the runner waits for its pages in flight (up to
    // org-service's timeout): until session 34 the notice waited for them, and the engine meanwhile went on ready,
    // holding its event streams, as if it were not stopping
    var drain = server == null ? Future.<Void>succeededFuture() : server.drain();
    var handBack = runner == null ? Future.<Void>succeededFuture() : runner.stop();
    return Future.join(drain, handBack)
        // the requests answered through the notice and the drain are checked as any: with the keys a token needs,
        // fetched then if need be, and the revocations read meanwhile (until session 29 both ended before the notice)
        .andThen(drained -> {
          if (verifier != null) {
            verifier.close();
          }
          if (revocations != null) {
            revocations.stop();
          }
        })
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
