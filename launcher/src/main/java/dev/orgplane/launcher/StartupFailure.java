package dev.orgplane.launcher;

import dev.orgplane.kit.config.ConfigException;
import java.util.Objects;

/**
 * Turns a start-up failure into one line an operator can act on. The deepest cause usually says
 * what is wrong (a port in use, a refused connection); stack traces are only for bugs, so they are
 * printed only when {@code ORGPLANE_DEBUG} is set.
 */
final class StartupFailure {

  /** Set (to any value), it has failed starts print their stack trace too. */
  static final String DEBUG = "ORGPLANE_DEBUG";

  private StartupFailure() {
  }

  static String describe(Throwable failure) {
    if (System.getenv(DEBUG) != null) {
      failure.printStackTrace();
    }
    if (failure instanceof ConfigException || failure instanceof LauncherException) {
      return failure.getMessage();
    }
    var message = Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
    var root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root != failure && root.getMessage() != null && !message.contains(root.getMessage())) {
      message = message + ": " + root.getMessage();
    }
    return message.lines().findFirst().orElse(message);
  }
}
