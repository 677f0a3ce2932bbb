package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written form of an instant is {@link Instant#toString}'s, character for character. */
class IsoInstantsTest {

  private static final long FIRST = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
  private static final long END = LocalDateTime.of(10_000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

  private static void assertSameAsToString(Instant instant) {
    assertEquals(instant.toString(), IsoInstants.iso(instant), () -> "for " + instant.getEpochSecond() + "s "
        + instant.getNano() + "ns");
  }

  @Test
  void edgesOfDaysYearsAndFractionsAreWrittenAsToStringWritesThem() {
    var seconds = new ArrayList<>(List.of(0L, -1L, 1L, 59L, 60L, 3599L, 3600L, 86_399L, 86_400L, -86_400L,
        -86_401L, FIRST, FIRST + 1, END - 1, FIRST - 1, END, Instant.MAX.getEpochSecond(),
        Instant.MIN.getEpochSecond()));
    for (var leapDay : new LocalDateTime[] {LocalDateTime.of(2024, 2, 29, 0, 0), LocalDateTime.of(2000, 2, 29, 23, 59,
        59), LocalDateTime.of(1900, 3, 1, 0, 0), LocalDateTime.of(1969, 12, 31, 23, 59, 59),
        LocalDateTime.of(999, 12, 31, 23, 0), LocalDateTime.of(9, 1, 1, 0, 0, 1)}) {
      seconds.add(leapDay.toEpochSecond(ZoneOffset.UTC));
    }
    int[] nanos = {0, 1, 999_999_999, 1_000, 999_999_000, 1_000_000, 999_000_000, 100_000_000, 120_000_000,
        123_000_000, 123_400_000, 123_450_000, 123_456_000, 10_000, 100, 123_456_780, 500_000_001};
    for (long second : seconds) {
      for (int nano : nanos) {
        assertSameAsToString(Instant.ofEpochSecond(second, nano));
      }
    }
  }

  @Test
  void randomMomentsAsPostgresqlStoresThemAreWrittenAsToStringWritesThem() {
    var random = new SplittableRandom(39);
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(FIRST, END);
      int micros = random.nextInt(4) == 0 ? random.nextInt(1_000) * 1_000 : random.nextInt(1_000_000);
      assertSameAsToString(Instant.ofEpochSecond(second, micros * 1_000L));
      assertSameAsToString(Instant.ofEpochSecond(second, random.nextInt(1_000_000_000)));
    }
  }

  @Test
  void momentsOfTheSameFewDaysAreWrittenAsToStringWritesThemWhicheverDayCameBefore() {
    var random = new SplittableRandom(5);
    long today = Instant.parse("2026-12-05T00:00:00Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      assertSameAsToString(Instant.ofEpochSecond(today + random.nextLong(-200 * 86_400L, 200 * 86_400L),
          random.nextInt(1_000_000) * 1_000L));
    }
  }
}
