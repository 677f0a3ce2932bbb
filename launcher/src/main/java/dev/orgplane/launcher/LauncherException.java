package dev.orgplane.launcher;

/** A start-up problem whose message is already the one line to show the operator. */
class LauncherException extends RuntimeException {
  LauncherException(String message, Throwable cause) {
    super(message, cause);
  }

  LauncherException(String message) {
    super(message);
  }
}
