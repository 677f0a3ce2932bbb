package dev.orgplane.kit.db;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** What a database-backed service starts from: its configuration, and its migrated pool. */
public record ServiceStorage(Settings settings, Pool pool) {

  /** Opens the pool {@code settings} configure, migrated. */
  public static Future<ServiceStorage> open(Vertx vertx, Settings settings, Migrations migrations) {
    return Database.open(vertx, settings, migrations).map(pool -> new ServiceStorage(settings, pool));
  }
}
