package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The stop of a postmaster, played by a process that, as a postmaster, is no child of this JVM's. */
class PostmasterTest {

  /**
   * pg_ctl starts the postmaster and exits, so whoever adopts it collects its exit status, when it gets round to it
   * (a container's first process may take seconds); until then it lingers, exited, and ProcessHandle counts it
   * alive. A stop waited for that, and then for ProcessHandle's next look (300 ms apart and more for a process not
   * its child): 1.5 s where it had exited in 0.3 s, or its whole minute where nothing collects it.
   */
  @Test
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aStopReturnsOnceTheServerHasExitedThoughNothingHasCollectedItYet(@TempDir Path pgDir) throws Exception {
    // the shell's child, which Ctrl-C would stop, has for parent the shell turned into a sleep: it never collects it
    var parent = new ProcessBuilder("sh", "-c", "env --default-signal=INT sleep 60 & exec sleep 60").start();
    try {
      var server = awaitChild(parent.toHandle());

      long startedAt = System.nanoTime();
      new Postmaster(server, pgDir).stop("the server");

      assertTrue(System.nanoTime() - startedAt < TimeUnit.SECONDS.toNanos(5), "it returned once the server exited");
      assertTrue(server.isAlive(), "ProcessHandle counts it alive: nothing has collected it");
    } finally {
      parent.destroyForcibly();
    }
  }

  private static ProcessHandle awaitChild(ProcessHandle parent) throws InterruptedException {
    while (true) {
      var child = parent.children().filter(process -> process.info().command().orElse("").endsWith("/sleep"))
          .findFirst();
      if (child.isPresent()) {
        return child.get();
      }
      Thread.sleep(10);
    }
  }
}
