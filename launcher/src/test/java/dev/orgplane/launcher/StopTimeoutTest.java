package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** How long a stop waits for the services of a process before it stops what they use (the embedded PostgreSQL). */
class StopTimeoutTest {

  /**
   * Until session 33 a stop waited a minute whatever the grace: a request still in it was cut short, and standalone
   * stopped PostgreSQL under it.
   */
  @Test
  void aGraceOfAMinuteOrMoreIsWaitedForInFullAndAMinuteMore() {
    var timeout = new StopTimeout();
    timeout.cover(settings("500", "300"));

    assertEquals(1 + 300 + 60, timeout.seconds(), "the notice's part of a second counts whole");
  }

  /** The services stop one after another: waited for as the longest alone, the last one's drain was cut short. */
  @Test
  void theServicesNoticesAndGracesAddUp() {
    var timeout = new StopTimeout();
    timeout.cover(settings("90000", "5"));
    timeout.cover(settings("0", "120"));
    timeout.cover(settings("1000", "10"));

    assertEquals(95 + 120 + 11 + 60, timeout.seconds());
  }

  @Test
  void aNoticeAndGraceTooLongToAddUpAreWaitedForWithoutEnd() {
    var timeout = new StopTimeout();
    timeout.cover(settings(String.valueOf(Long.MAX_VALUE), String.valueOf(Long.MAX_VALUE)));

    assertEquals(Long.MAX_VALUE, timeout.seconds());
  }

  @Test
  void gracesTooLongToAddUpAreWaitedForWithoutEnd() {
    var timeout = new StopTimeout();
    timeout.cover(settings("0", String.valueOf(Long.MAX_VALUE - 100)));
    timeout.cover(settings("0", "200"));

    assertEquals(Long.MAX_VALUE, timeout.seconds());
  }

  private static Settings settings(String noticeMillis, String graceSeconds) {
    return new Settings(new JsonObject().put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", noticeMillis)
        .put("ORGPLANE_SHUTDOWN_GRACE_SECONDS", graceSeconds));
  }
}
