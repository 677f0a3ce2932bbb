package dev.orgplane.launcher;

import dev.orgplane.kit.testing.PgFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@code orgplane} command in a JVM of its own, on this test's class path: an operator's second terminal. */
final class OrgplaneProcess implements AutoCloseable {

  private final Process process;
  private final Path output;

  private OrgplaneProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /** Starts {@code orgplane args...}, its stdout and stderr together in {@code output}. */
  static OrgplaneProcess start(Path output, String... args) {
    return start(output, Map.of(), args);
  }

  /** The same, with {@code environment} added to this JVM's. */
  static OrgplaneProcess start(Path output, Map<String, String> environment, String... args) {
    // start-up time over peak speed, as the e2e tests' service processes: with C1 alone a standalone's JVM spends
    // about 40 % less CPU getting up (8 s instead of 14 on a loaded 2-core machine)
    var command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Orgplane.class.getName()));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    // a process stops as shipped, giving notice: this JVM's 0 is for the verticles tests run in it
    builder.environment().remove("ORGPLANE_SHUTDOWN_NOTICE_MILLIS");
    // the tests' database is this JVM's: the platform reads no such variable, and would warn about it
    builder.environment().remove(PgFixture.EXTERNAL_SERVER);
    builder.environment().putAll(environment);
    try {
      return new OrgplaneProcess(builder.start(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code standalone} on {@code dataDir}, every port a free one, and {@code more} options after those. */
  static OrgplaneProcess standalone(Path dataDir, Path output, String... more) {
    var args = new ArrayList<>(List.of("standalone", "--set", "ORGPLANE_DATA_DIR=" + dataDir,
        "--set", "ORGPLANE_HTTP_HOST=127.0.0.1", "--set", "ORGPLANE_HTTP_PORT=" + freePort(),
        "--set", "ORGPLANE_ORG_SERVICE_PORT=" + freePort(), "--set", "ORGPLANE_ENGINE_PORT=" + freePort()));
    args.addAll(List.of(more));
    return start(output, args.toArray(new String[0]));
  }

  Process process() {
    return process;
  }

  String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The address of the gateway, as the line that says the platform is up names it. */
  String gatewayUrl() {
    return output().lines().filter(line -> line.startsWith("Orgplane is up: ")).findFirst().orElseThrow()
        .replaceFirst("Orgplane is up: (\\S+).*", "$1");
  }

  /** Waits until the output holds {@code fragment}; fails if the process ends first or {@code seconds} pass. */
  void awaitOutput(String fragment, long seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!output().contains(fragment)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("no '" + fragment + "' in the output:\n" + output());
      }
      Thread.sleep(50);
    }
  }

  /** The exit code, once the process has ended within {@code seconds}. */
  int exitWithin(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new AssertionError("still running after " + seconds + " s:\n" + output());
    }
    return process.exitValue();
  }

  /** Stops it as an operator would (SIGTERM), if it still runs. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  static int freePort() {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
