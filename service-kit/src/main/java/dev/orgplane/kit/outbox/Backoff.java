package dev.orgplane.kit.outbox;

/** When to try again after a failed delivery: doubling from a base, capped at an hour. */
public final class Backoff {

  public static final long CAP_MILLIS = 3_600_000;

  private Backoff() {
  }

  /** The delay after the {@code attempt}-th attempt (1-based) failed. */
  public static long afterAttempt(long baseMillis, int attempt) {
    return Math.min(CAP_MILLIS, baseMillis * (1L << Math.min(Math.max(attempt - 1, 0), 20)));
  }
}
