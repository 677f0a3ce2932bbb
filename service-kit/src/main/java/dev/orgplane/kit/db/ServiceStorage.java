package dev.orgplane.kit.db;

import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/** What a database-backed service starts from: its configuration, and its migrated pool. */
public record ServiceStorage(Settings settings, Pool pool) {

  /** Loads the configuration (defaults, env, {@code commandLine}) and opens the configured pool. */
  public static Future<ServiceStorage> open(Vertx vertx, JsonObject commandLine, Migrations migrations) {
    return ConfigLoader.load(vertx, commandLine).compose(config -> {
      var settings = new Settings(config);
      return Database.open(vertx, settings, migrations).map(pool -> new ServiceStorage(settings, pool));
    });
  }
}
