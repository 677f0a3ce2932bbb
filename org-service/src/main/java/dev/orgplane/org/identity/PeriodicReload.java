package dev.orgplane.org.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * What every instance reads again from the database on a period, so that checking it costs no query per request:
 * the tokens to refuse before they expire (revoked credentials, ended sessions).
 */
public abstract class PeriodicReload {

  protected final Vertx vertx;
  protected final Pool pool;
  private long timer = -1;

  protected PeriodicReload(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Reads once, then every {@code reloadMillis}. */
  public Future<Void> start(long reloadMillis) {
    return reload().onSuccess(v -> timer = vertx.setPeriodic(reloadMillis, id -> reload()));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  protected abstract Future<Void> reload();
}
