package dev.orgplane.kit.outbox;

/**
 * The lease of an outbox row's attempt, as SQL over a table with {@code attempts}, {@code state} ({@code 'pending'}
 * until the row is settled) and {@code next_attempt_at}. A claim counts an attempt and pushes the next one a lease
 * ahead, so a row whose attempt was abandoned (its instance crashed) is claimed again once the lease lapses. An
 * attempt that outlived its lease may then report after a later one: its success still settles the row (the message
 * went out and is never sent again), its failure counts only from the latest claim, so a late failure neither sets a
 * settled row pending again (to be sent once more) nor fails or backs off a row another claim is sending.
 */
public final class AttemptLease {

  private AttemptLease() {
  }

  /** The SET list of a claim of the row {@code row}, whose lease in milliseconds is the parameter {@code $lease}. */
  public static String claim(String row, int lease) {
    return "attempts = " + row + ".attempts + 1, next_attempt_at = now() + $" + lease + " * interval '1 millisecond'";
  }

  /**
   * The state an attempt leaves its row in: {@code settled} if it succeeded, {@code failed} once the
   * {@code maxAttempts}-th has failed, else {@code pending}, to be tried again after its backoff.
   */
  public static String stateAfter(boolean succeeded, int attempt, int maxAttempts, String settled) {
    return succeeded ? settled : attempt >= maxAttempts ? "failed" : "pending";
  }

  /**
   * The condition on which an outcome is written to the row {@code row}: {@code succeeded} (SQL) says it is a
   * success, {@code attempt} (SQL) which attempt it was.
   */
  public static String outcomeCounts(String row, String succeeded, String attempt) {
    return row + ".state = 'pending' AND (" + succeeded + " OR " + row + ".attempts = " + attempt + ")";
  }
}
