package dev.orgplane.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL server process running on an embedded data directory, found by its pid file. pg_ctl starts it in a
 * session of its own, so it survives a {@code kill -9} of the platform, and a start that failed half-way may leave one
 * behind: such an orphan is stopped ({@link #stopOrphan}) only by the holder of the {@link DataDirectory}'s lock, as
 * then no running platform owns it.
 *
 * <p>The pid file may be stale and its pid another process's by now, so a process counts only if it is a postgres
 * whose working directory (the postmaster changes to its data directory) is this data directory. It is stopped with a
 * fast shutdown, SIGINT: sessions are ended and every committed transaction is kept. SIGTERM is a smart shutdown,
 * which waits for every client to leave.
 */
final class Postmaster {

  /**
   * How long a stop waits for the server to exit: its shutdown checkpoint writes every page changed since the last
   * one, which after a large run on a slow disk takes far longer than pg_ctl's 5 s.
   */
  private static final long STOP_TIMEOUT_SECONDS = 60;
  /** How long a stop waits before it says what it waits for. */
  private static final long QUIET_SECONDS = 5;
  /** How often a stop looks whether the server has exited: it takes a few hundred ms when it has little to write. */
  private static final long EXIT_POLL_MILLIS = 20;

  private final ProcessHandle process;
  private final Path pgDir;

  Postmaster(ProcessHandle process, Path pgDir) {
    this.process = process;
    this.pgDir = pgDir;
  }

  /** Stops the postmaster running on {@code pgDir}, if any, no process of ours owns; {@code whose} says whose. */
  static void stopOrphan(Path pgDir, String whose) {
    var name = "the PostgreSQL " + whose;
    running(pgDir).ifPresent(orphan -> {
      System.out.println("orgplane: stopping " + name + " (pid " + orphan.process.pid() + ")");
      orphan.stop(name);
    });
  }

  /** The live postgres process that the pid file in {@code pgDir} names and that runs in {@code pgDir}. */
  static Optional<Postmaster> running(Path pgDir) {
    try {
      var pid = Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
      return ProcessHandle.of(pid)
          .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
          .filter(process -> workingIn(process, pgDir))
          .map(process -> new Postmaster(process, pgDir));
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

  /**
   * Asks for a fast shutdown and returns once the process has exited, saying what it waits for after a few seconds;
   * {@code name} names the server in what is said.
   *
   * @throws LauncherException if it could not be signalled or has not exited within {@value #STOP_TIMEOUT_SECONDS} s
   */
  void stop(String name) {
    long pid = process.pid();
    try {
      var kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).redirectErrorStream(true).start();
      var said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (kill.waitFor() != 0 && process.isAlive()) {
        throw new LauncherException("cannot stop " + name + " (pid " + pid + "): " + said);
      }
      awaitExit(name);
    } catch (LauncherException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted while " + name + " stopped", e);
    } catch (TimeoutException e) {
      throw new LauncherException(name + " (pid " + pid + ") did not stop within "
          + STOP_TIMEOUT_SECONDS + " s and still runs on " + pgDir, e);
    } catch (Exception e) {
      throw new LauncherException(name + " (pid " + pid + ") is still using " + pgDir
          + " and did not stop: " + StartupFailure.describe(e), e);
    }
  }

  private void awaitExit(String name) throws InterruptedException, TimeoutException {
    long startedAt = System.nanoTime();
    boolean said = false;
    while (!hasExited(process)) {
      long waited = System.nanoTime() - startedAt;
      if (waited >= TimeUnit.SECONDS.toNanos(STOP_TIMEOUT_SECONDS)) {
        throw new TimeoutException();
      }
      if (!said && waited >= TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
        System.out.println("orgplane: waiting for " + name + " (pid " + process.pid() + ") to finish its shutdown");
        said = true;
      }
      Thread.sleep(EXIT_POLL_MILLIS);
    }
  }

  /**
   * Whether {@code process} has exited: gone, or exited and not yet collected. ProcessHandle counts the latter alive, and
   * the postmaster is no child of ours (pg_ctl started it and exited): whoever adopted it collects it when it gets
   * round to it, which in a container may be seconds later; and ProcessHandle looks at a process not its child 300 ms
   * apart and more. A process exited has let go of everything it held: its data directory is free.
   */
  static boolean hasExited(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      var stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // the state follows the command's name, in parentheses that the name itself may hold
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException gone) {
      return !process.isAlive();
    }
  }
}
