package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class JwksScheduleTest {

  private final JwksSchedule schedule = new JwksSchedule(5_000, 3_600_000);

  @Test
  void keysServeForTheirMaxAge() {
    assertEquals(60_000, schedule.ttlMillis("public, max-age=60"));
    assertEquals(120_000, schedule.ttlMillis("no-transform, MAX-AGE=120"));
  }

  @Test
  void withoutAMaxAgeKeysServeFiveMinutes() {
    assertEquals(300_000, schedule.ttlMillis(null));
    assertEquals(300_000, schedule.ttlMillis("no-cache"));
    assertEquals(300_000, schedule.ttlMillis("max-age=soon"), "a max-age that is no number says nothing");
  }

  @Test
  void aMaxAgeOutsideTheBoundsIsTakenToTheNearestBound() {
    assertEquals(5_000, schedule.ttlMillis("max-age=0"));
    assertEquals(3_600_000, schedule.ttlMillis("max-age=86400"));
    assertEquals(86_400_000, JwksSchedule.atLeast(5_000).ttlMillis("max-age=31536000"), "a day at most by default");
  }

  @Test
  void aScheduleNeedsAPositiveMinimumNoAboveItsMaximum() {
    assertThrows(IllegalArgumentException.class, () -> new JwksSchedule(0, 1_000));
    assertThrows(IllegalArgumentException.class, () -> new JwksSchedule(2_000, 1_000));
  }
}
