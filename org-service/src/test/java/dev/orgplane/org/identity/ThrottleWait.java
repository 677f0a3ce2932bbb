package dev.orgplane.org.identity;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.function.Executable;

/**
 * A wait of the {@link SignInThrottle} as a test sees it, opened just before the failure that starts it. The first
 * waits are a second or two, which a loaded machine may take to answer one request: an attempt the throttle let
 * through once the wait had passed tells nothing, and the test begins again on a new account ({@link #retried}); the
 * attempt may have used the account's password.
 */
final class ThrottleWait {

  private static final int TRIES = 5;

  private final long openedAt = System.nanoTime();
  private final Duration length;

  private ThrottleWait(Duration length) {
    this.length = length;
  }

  /** A wait of {@code seconds}, opened now: before the request of the failure that starts it. */
  static ThrottleWait opening(long seconds) {
    return new ThrottleWait(Duration.ofSeconds(seconds));
  }

  /** {@code answer}, unless the throttle let it through once this wait had passed: then the test begins again. */
  HttpResponse<Buffer> within(HttpResponse<Buffer> answer) {
    if (answer.statusCode() != 429 && System.nanoTime() - openedAt >= length.toNanos()) {
      throw new Missed();
    }
    return answer;
  }

  /** Runs {@code test} again while an attempt it timed came after its wait, {@value #TRIES} times at most. */
  static void retried(Executable test) throws Throwable {
    for (int tried = 1; ; tried++) {
      try {
        test.execute();
        return;
      } catch (Missed missed) {
        if (tried == TRIES) {
          throw new AssertionError("each of " + TRIES + " tries came after the throttle's wait", missed);
        }
      }
    }
  }

  private static final class Missed extends RuntimeException {

    Missed() {
      super("answered after the throttle's wait had passed", null, false, false);
    }
  }
}
