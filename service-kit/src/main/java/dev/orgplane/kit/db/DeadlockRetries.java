package dev.orgplane.kit.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.function.Supplier;

/**
 * Makes again a statement or transaction that PostgreSQL aborted as a deadlock's victim. The victim wrote nothing and
 * its locks are gone, so the other side goes on, and the same work made again most often meets no one: failed, it
 * was an error its caller could do nothing about but retry.
 */
public final class DeadlockRetries {

  /** PostgreSQL's SQLSTATE for a statement aborted to break a deadlock. */
  static final String DEADLOCK = "40P01";

  /** How many times in a row work aborted as a deadlock's victim is made again. */
  static final int RETRIES = 3;

  private DeadlockRetries() {
  }

  /** {@code work}'s answer, {@code work} made again up to {@value #RETRIES} times while it loses to a deadlock. */
  public static <T> Future<T> retried(Supplier<Future<T>> work) {
    return retried(work, RETRIES);
  }

  private static <T> Future<T> retried(Supplier<Future<T>> work, int retries) {
    return work.get().recover(cause -> retries > 0 && cause instanceof PgException pg
        && DEADLOCK.equals(pg.getSqlState()) ? retried(work, retries - 1) : Future.failedFuture(cause));
  }
}
