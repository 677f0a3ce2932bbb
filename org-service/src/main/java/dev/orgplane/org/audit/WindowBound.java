package dev.orgplane.org.audit;

import dev.orgplane.kit.http.ApiException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * A bound of the trail's time window, {@code since} or {@code until}: an ISO-8601 time with an offset that PostgreSQL's
 * timestamptz can hold, 4714-11-24 BC to the end of 294276. ISO-8601 reaches year 999999999 either way, and the SQL
 * client sends a time a little past PostgreSQL's end as one, which the database refuses (22008): a 500.
 *
 * <p>Events are held to the microsecond, so a bound between two microseconds is taken as the next one: an event is at
 * or after ({@code since}) such a time, or before it ({@code until}), exactly when it is so of that microsecond. The SQL
 * client cut it to the microsecond instead, which found an event a {@code since} came after and left out one an
 * {@code until} came after.
 */
final class WindowBound {

  /** PostgreSQL's first timestamptz, 4714-11-24 00:00:00+00 BC (year 0 of ISO-8601 is 1 BC). */
  private static final Instant EARLIEST = Instant.parse("-4713-11-24T00:00:00Z");
  /** PostgreSQL's last timestamptz, of its last microsecond. */
  private static final Instant LATEST = Instant.parse("+294276-12-31T23:59:59.999999Z");

  private WindowBound() {
  }

  /** The time {@code value} gives the query parameter {@code parameter}; null if not given. */
  static OffsetDateTime parse(String value, String parameter) {
    if (value == null) {
      return null;
    }
    OffsetDateTime time;
    try {
      time = OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(parameter + " is an ISO-8601 time with an offset, such as 2026-12-01T10:00:00Z.");
    }
    if (time.toInstant().isBefore(EARLIEST) || time.toInstant().isAfter(LATEST)) {
      throw invalid(parameter + " is a time from " + EARLIEST + " to " + LATEST + ", which the trail can compare.");
    }
    // within the range, whose ends are whole microseconds, so the next microsecond is too
    return time.getNano() % 1000 == 0 ? time : time.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid_time", detail);
  }
}
