package dev.orgplane.kit.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops rows that have outlived their use, {@value #BATCH} a statement, every hour. A backlog of millions
 * (a purge that could not run for a while) is then many short statements, never one that outlasts the
 * statement timeout and fails every hour while the table grows.
 */
public final class BatchedPurge {

  /** The most rows one statement deletes. */
  public static final int BATCH = 10_000;
  private static final long PERIOD_MILLIS = 3_600_000;
  private static final Logger LOG = LoggerFactory.getLogger(BatchedPurge.class);

  private final Pool pool;
  private final String what;
  private final String delete;
  private final Tuple arguments;

  /**
   * {@code delete} (with {@code arguments}) deletes at most {@link #BATCH} rows: the rows of a subquery
   * with {@code LIMIT} {@value #BATCH}. {@code what} names them in the log.
   */
  public BatchedPurge(Pool pool, String what, String delete, Tuple arguments) {
    this.pool = pool;
    this.what = what;
    this.delete = delete;
    this.arguments = arguments;
  }

  /** Deletes until a statement finds fewer than a batch; answers how many rows went. */
  public Future<Integer> run() {
    return run(0);
  }

  private Future<Integer> run(int purged) {
    return pool.preparedQuery(delete).execute(arguments)
        .compose(rows -> rows.rowCount() < BATCH ? Future.succeededFuture(purged + rows.rowCount())
            : run(purged + rows.rowCount()));
  }

  /** Runs every hour; answers the timer, to cancel at stop. A purge that fails is tried again an hour later: the rows keep. */
  public long hourly(Vertx vertx) {
    return vertx.setPeriodic(PERIOD_MILLIS, id -> run().onFailure(e ->
        LOG.warn("purging {} failed; trying again in an hour: {}", what, e.toString())));
  }
}
