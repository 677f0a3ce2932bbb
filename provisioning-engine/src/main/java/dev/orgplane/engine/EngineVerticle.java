package dev.orgplane.engine;

import dev.orgplane.engine.plugin.PluginJars;
import dev.orgplane.engine.plugin.PluginRegistry;
import dev.orgplane.engine.plugin.PluginRoutes;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.RemoteJwks;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.ServiceStorage;
import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.http.ServiceHttp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * The provisioning engine service. It verifies tokens against org-service's published keys, like
 * the gateway, so a request sent straight to its port is checked just the same.
 */
public final class EngineVerticle extends VerticleBase {

  public static final Migrations MIGRATIONS = new Migrations("provisioning", "db/provisioning");

  private Settings settings;
  private Pool pool;
  private HttpServer server;

  @Override
  public Future<?> start() {
    return ServiceStorage.open(vertx, config(), MIGRATIONS)
        .compose(storage -> {
          settings = storage.settings();
          pool = storage.pool();
          var registry = PluginRegistry.discover(PluginJars.loader(settings.string("ORGPLANE_PLUGINS_DIR", ""),
              getClass().getClassLoader()));
          var keys = new RemoteJwks(vertx, settings.string("ORGPLANE_ORG_SERVICE_URL") + "/.well-known/jwks.json", 5_000);
          var verifier = new TokenVerifier(vertx, List.of(new TrustedIssuer(
              settings.string("ORGPLANE_PUBLIC_URL"),
              settings.string("ORGPLANE_TOKEN_AUDIENCE"), keys)));
          var router = ServiceHttp.router(vertx, "provisioning-engine", settings.longValue("ORGPLANE_BODY_LIMIT_BYTES"),
              () -> pool.query("SELECT 1").execute());
          router.route("/v1/*").handler(new BearerAuth(verifier));
          new PluginRoutes(registry).mount(router);
          return ServiceHttp.listen(vertx, router, settings.string("ORGPLANE_INTERNAL_HOST"),
              settings.integer("ORGPLANE_ENGINE_PORT"));
        })
        .onSuccess(s -> server = s);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return ServiceHttp.drain(server, settings.longValue("ORGPLANE_SHUTDOWN_GRACE_SECONDS"))
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
