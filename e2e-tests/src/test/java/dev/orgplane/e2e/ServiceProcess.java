package dev.orgplane.e2e;

import dev.orgplane.kit.testing.PgFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Orgplane service running as its own JVM from the real {@code orgplane.jar}, the way an
 * operator runs it. Its output goes to a log file under {@code target/e2e-logs} for post-mortems.
 */
final class ServiceProcess implements AutoCloseable {

  /** JVM options of the service processes; tests favour start-up time, benchmarks full JIT. */
  static final String JVM_ARGS = "orgplane.e2e.jvmArgs";

  /**
   * The services still running: stopped when this JVM is, so a benchmark or test run that is interrupted
   * (Ctrl-C, a timeout's SIGTERM) leaves no service JVM behind holding its ports and memory.
   */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
        "stop-service-processes"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ServiceProcess start(String command, String name, Map<String, String> config) {
    return start(command, name, config, Map.of());
  }

  /** With {@code environment} added to the process's (settings read before the configuration, as logging's). */
  static ServiceProcess start(String command, String name, Map<String, String> config, Map<String, String> environment) {
    var arguments = new ArrayList<String>();
    arguments.add(command);
    config.forEach((k, v) -> arguments.add("--set=" + k + "=" + v));
    return run(command, name, arguments, environment);
  }

  /** {@code orgplane <arguments>} in its own JVM, with the JVM flags given for {@code command}. */
  static ServiceProcess run(String command, String name, List<String> arguments) {
    return run(command, name, arguments, Map.of());
  }

  private static ServiceProcess run(String command, String name, List<String> arguments, Map<String, String> environment) {
    var jar = Path.of(System.getProperty("orgplane.jar", "../launcher/target/orgplane.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the launcher first (./mvnw package)");
    }
    var args = new ArrayList<String>();
    args.add(javaBinary());
    // orgplane.e2e.jvmArgs.<command> gives one kind of service JVM flags of its own (the engine's heap cap)
    var jvmArgs = System.getProperty(JVM_ARGS + "." + command, System.getProperty(JVM_ARGS, "-Xmx256m -XX:TieredStopAtLevel=1"));
    args.addAll(List.of(jvmArgs.split(" ")));
    args.addAll(List.of("-jar", jar.toString()));
    args.addAll(arguments);
    try {
      var logs = Path.of("target", "e2e-logs");
      Files.createDirectories(logs);
      var log = logs.resolve(name + "-" + System.nanoTime() + ".log");
      var builder = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(log.toFile());
      // a process stops as shipped, giving notice: this JVM's 0 is for the verticles tests run in it
      builder.environment().remove("ORGPLANE_SHUTDOWN_NOTICE_MILLIS");
      // the tests' database is this JVM's: the platform reads no such variable, and would warn about it
      builder.environment().remove(PgFixture.EXTERNAL_SERVER);
      builder.environment().putAll(environment);
      var process = builder.start();
      RUNNING.add(process);
      process.onExit().thenAccept(RUNNING::remove);
      return new ServiceProcess(name, process, log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  int waitForExit() throws InterruptedException {
    if (!process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(name + " did not exit:\n" + output());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** Like a crash: SIGKILL, no chance to clean up. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** Asks the process to stop (SIGTERM), without waiting for it to. */
  void stop() {
    process.destroy();
  }

  @Override
  public void close() {
    stop();
    waitFor();
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
