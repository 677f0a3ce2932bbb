package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server running on the embedded data directory that no process of ours owns: pg_ctl starts the
 * postmaster in a session of its own, so it survives a {@code kill -9} of the platform, and a start that failed
 * half-way may leave one behind. Only the holder of the {@link DataDirectory}'s lock may call this: then no
 * running platform owns the server.
 *
 * <p>The pid file may be stale and its pid another process's by now, so the server is stopped only if that
 * process is a postgres whose working directory (the postmaster changes to its data directory) is this data
 * directory. It is stopped with a fast shutdown, SIGINT: sessions are ended and every committed transaction is
 * kept. SIGTERM is a smart shutdown, which waits for every client to leave.
 */
final class OrphanPostmaster {

  private static final long STOP_TIMEOUT_SECONDS = 60;

  private OrphanPostmaster() {
  }

  /** Stops the postmaster running on {@code pgDir}, if any; {@code whose} says whose it is, for the operator. */
  static void stop(Path pgDir, String whose) {
    var postmaster = running(pgDir);
    if (postmaster.isEmpty()) {
      return;
    }
    long pid = postmaster.get().pid();
    System.out.println("orgplane: stopping the PostgreSQL " + whose + " (pid " + pid + ")");
    try {
      var kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).redirectErrorStream(true).start();
      var said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (kill.waitFor() != 0) {
        throw new LauncherException("cannot stop the PostgreSQL " + whose + " (pid " + pid + "): " + said);
      }
      postmaster.get().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (LauncherException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted while the PostgreSQL " + whose + " stopped", e);
    } catch (Exception e) {
      throw new LauncherException("the PostgreSQL " + whose + " (pid " + pid + ") is still using " + pgDir
          + " and did not stop: " + StartupFailure.describe(e), e);
    }
  }

  /** The live postgres process that the pid file in {@code pgDir} names and that runs in {@code pgDir}. */
  private static Optional<ProcessHandle> running(Path pgDir) {
    try {
      var pid = Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
      return ProcessHandle.of(pid)
          .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
          .filter(process -> workingIn(process, pgDir));
    } catch (IOException | RuntimeException e) {
      // no pid file, so no server; or one that cannot be read, which a starting server replaces
      return Optional.empty();
    }
  }

  private static boolean workingIn(ProcessHandle process, Path pgDir) {
    try {
      return Files.isSameFile(Path.of("/proc", Long.toString(process.pid()), "cwd"), pgDir);
    } catch (IOException e) {
      return false;
    }
  }
}
