package dev.orgplane.kit.db;

/**
 * Timestamps that PostgreSQL writes into JSON itself, written as the API writes them elsewhere (UTC, {@code Z}; see
 * {@code Timestamps.iso}). Not in {@code Timestamps}: the MapStruct mappers use that class, and would take any method
 * from text to text there for a conversion of every text field.
 */
public final class SqlTimestamps {

  private SqlTimestamps() {
  }

  /** SQL writing the timestamptz {@code column} as text; the fraction always has six digits. */
  public static String iso(String column) {
    return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
  }
}
