package dev.orgplane.kit.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Writes an instant exactly as {@link Instant#toString} does, for a fraction of its cost: the date part of recent days
 * is kept, the time's digits are written by hand. A read of an organization writes three moments, and the formatter
 * behind {@code Instant.toString} was a measurable share of it.
 */
final class IsoInstants {

  private static final long SECONDS_PER_DAY = 86_400;
  /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: outside them the year has a sign or a fifth digit. */
  private static final long FIRST_SECOND = -62_167_219_200L;
  private static final long END_SECOND = 253_402_300_800L;
  /** "yyyy-MM-ddT" + "HH:mm:ss" + ".nnnnnnnnn" + "Z". */
  private static final int LONGEST = 11 + 8 + 10 + 1;
  /** A power of two: days are spread over its slots by their low bits. */
  private static final int CACHED_DAYS = 64;

  /**
   * The date parts of recent days; threads may race on a slot and write the same text twice, which is harmless: a
   * {@link Day}'s fields are final, so a thread sees either none of it or all of it.
   */
  private static final Day[] DAYS = new Day[CACHED_DAYS];

  private record Day(long epochDay, byte[] text) {
  }

  private IsoInstants() {
  }

  static String iso(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_SECOND || seconds >= END_SECOND) {
      return instant.toString();
    }
    long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    byte[] out = new byte[LONGEST];
    byte[] date = day(epochDay).text();
    System.arraycopy(date, 0, out, 0, date.length);
    int at = date.length;
    at = twoDigits(out, at, secondOfDay / 3600);
    out[at++] = ':';
    at = twoDigits(out, at, secondOfDay / 60 % 60);
    out[at++] = ':';
    at = twoDigits(out, at, secondOfDay % 60);
    at = fraction(out, at, instant.getNano());
    out[at++] = 'Z';
    return new String(out, 0, at, StandardCharsets.ISO_8859_1);
  }

  private static Day day(long epochDay) {
    int slot = (int) (epochDay & (CACHED_DAYS - 1));
    Day day = DAYS[slot];
    if (day == null || day.epochDay() != epochDay) {
      day = new Day(epochDay, (LocalDate.ofEpochDay(epochDay) + "T").getBytes(StandardCharsets.ISO_8859_1));
      DAYS[slot] = day;
    }
    return day;
  }

  /** Milliseconds, microseconds or nanoseconds, the fewest that hold it, as {@code Instant.toString} writes them. */
  private static int fraction(byte[] out, int at, int nano) {
    if (nano == 0) {
      return at;
    }
    int digits;
    int value;
    if (nano % 1_000_000 == 0) {
      digits = 3;
      value = nano / 1_000_000;
    } else if (nano % 1_000 == 0) {
      digits = 6;
      value = nano / 1_000;
    } else {
      digits = 9;
      value = nano;
    }
    out[at] = '.';
    for (int i = digits; i > 0; i--) {
      out[at + i] = (byte) ('0' + value % 10);
      value /= 10;
    }
    return at + 1 + digits;
  }

  private static int twoDigits(byte[] out, int at, int value) {
    out[at] = (byte) ('0' + value / 10);
    out[at + 1] = (byte) ('0' + value % 10);
    return at + 2;
  }
}
