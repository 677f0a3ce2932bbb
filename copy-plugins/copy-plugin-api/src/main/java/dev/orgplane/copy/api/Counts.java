package dev.orgplane.copy.api;

/**
 * What a page (or a whole plugin run) did to the target: objects {@code created}, {@code updated}
 * because they differed, and {@code unchanged}. A dry run reports what it would do.
 */
public record Counts(long created, long updated, long unchanged) {

  public static final Counts ZERO = new Counts(0, 0, 0);

  public Counts plus(Counts other) {
    return new Counts(created + other.created, updated + other.updated, unchanged + other.unchanged);
  }

  /** Objects of the template seen. */
  public long total() {
    return created + updated + unchanged;
  }
}
