package dev.orgplane.kit.http;

import java.time.OffsetDateTime;

/**
 * How the API writes a moment: ISO-8601 in UTC, whatever offset the database session used, in the text of
 * {@link java.time.Instant#toString}.
 */
public final class Timestamps {

  private Timestamps() {
  }

  /** Also the conversion the MapStruct view mappers use ({@code @Mapper(uses = Timestamps.class)}). */
  public static String iso(OffsetDateTime time) {
    return time == null ? null : IsoInstants.iso(time.toInstant());
  }
}
