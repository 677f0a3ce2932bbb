package dev.orgplane.launcher;

/**
 * Tells, when the process is stopped (Ctrl-C, SIGTERM) while it follows a batch, that the batch goes on without it
 * and how to follow or cancel it. A JVM shutdown hook, held only while the batch is followed: a command that ends,
 * however it ends, leaves none behind to print at exit.
 */
final class StillRunningNotice implements AutoCloseable {

  private final Thread hook;

  private StillRunningNotice(Thread hook) {
    this.hook = hook;
  }

  static StillRunningNotice register(String batchId) {
    var hook = new Thread(() -> System.out.println("\nbatch " + batchId
        + " goes on without this process; follow it again with --follow " + batchId + ", or stop it with --cancel "
        + batchId));
    Runtime.getRuntime().addShutdownHook(hook);
    return new StillRunningNotice(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the process is being stopped: the notice is being printed, as it should be
    }
  }
}
