package dev.orgplane.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time of the platform's processes, read from {@code /proc}: what one operation cost each of
 * them. Throughput on two shared cores swings by a third between runs; CPU per operation hardly
 * moves, so it tells whether a change made a hop cheaper where a throughput ratio cannot.
 */
final class ProcessCpu {

  /** Clock ticks per second of {@code /proc/<pid>/stat} times (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private final Map<String, Long> pids;

  /** {@code pids}: name to process id, in print order; PostgreSQL's processes are added up by name. */
  ProcessCpu(Map<String, Long> pids) {
    this.pids = pids;
  }

  /** These processes and one more, {@code name}, printed before PostgreSQL. */
  ProcessCpu with(String name, long pid) {
    var more = new LinkedHashMap<>(pids);
    more.put(name, pid);
    return new ProcessCpu(more);
  }

  /** The CPU seconds each process has used so far. */
  Map<String, Double> seconds() {
    var seconds = new LinkedHashMap<String, Double>();
    pids.forEach((name, pid) -> seconds.put(name, ticks(Path.of("/proc", pid.toString(), "stat")) / TICKS_PER_SECOND));
    seconds.put("PostgreSQL", postgresTicks() / TICKS_PER_SECOND);
    return seconds;
  }

  /** Microseconds of CPU each process used between two readings. */
  static Map<String, Double> microsBetween(Map<String, Double> before, Map<String, Double> after) {
    var micros = new LinkedHashMap<String, Double>();
    after.forEach((name, seconds) -> micros.put(name, (seconds - before.get(name)) * 1e6));
    return micros;
  }

  static String format(Map<String, Double> micros) {
    return micros.entrySet().stream().map(e -> e.getKey() + " " + Math.round(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** Every backend, the postmaster and its helpers: PostgreSQL is the only one on the machine while we measure. */
  private static long postgresTicks() {
    try (var processes = Files.list(Path.of("/proc"))) {
      return processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .filter(p -> "postgres".equals(read(p.resolve("comm")).strip()))
          .mapToLong(p -> ticks(p.resolve("stat"))).sum();
    } catch (IOException e) {
      return 0;
    }
  }

  /** utime + stime: fields 14 and 15, counted after the command name, which may hold spaces. */
  private static long ticks(Path stat) {
    var text = read(stat);
    if (text.isEmpty()) {
      return 0;
    }
    var fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      // a process that ended between listing and reading
      return "";
    }
  }
}
