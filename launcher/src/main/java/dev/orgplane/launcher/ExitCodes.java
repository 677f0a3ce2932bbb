package dev.orgplane.launcher;

/**
 * The lines of the commands' exit code lists ({@code exitCodeList} of their {@code @Command}) that mean the same for
 * several of them, each written once: picocli takes only constants there. Each is "code:meaning"; picocli aligns no
 * code, so a list whose longest code has three digits pads the others on the left.
 */
final class ExitCodes {

  static final String HEADING = "%nExit codes:%n";

  /** Followed, where a command uses it, by what fails there. */
  static final String FAILURE = "1:a failure, told in one line on stderr";

  static final String USAGE_ERROR = Orgplane.USAGE_ERROR + ":a command line it cannot use";

  /** Of a process that runs until it is stopped (standalone, database, a service), padded as its list needs. */
  static final String FAILED_START = "  " + FAILURE + " (it could not start)";

  static final String STOPPED_BY_SIGTERM = PlatformProcess.STOPPED_BY_SIGTERM + ":stopped by SIGTERM (Ctrl-C: 130), "
      + "as asked";

  private ExitCodes() {
  }
}
