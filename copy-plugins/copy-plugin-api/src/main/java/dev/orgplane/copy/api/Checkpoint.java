package dev.orgplane.copy.api;

/**
 * Where a plugin's copy stands, as the engine last persisted it: the cursor to continue after
 * ({@code null} at the start) and the counts so far.
 */
public record Checkpoint(String cursor, Counts counts) {

  public static final Checkpoint START = new Checkpoint(null, Counts.ZERO);

  /** The checkpoint after {@code page}. */
  public Checkpoint after(PageResult page) {
    return new Checkpoint(page.nextCursor(), counts.plus(page.counts()));
  }
}
