package dev.orgplane.launcher;

import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.http.AccessLogSink;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UseDefaultConverter;

/** The command-line configuration layer: {@code --set KEY=VALUE}, which beats defaults and env. */
final class ConfigOptions {

  @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", converter = {Key.class, UseDefaultConverter.class},
      description = "Set a configuration key (see the README's table), e.g. --set ORGPLANE_HTTP_PORT=9090.")
  Map<String, String> values = new LinkedHashMap<>();

  JsonObject asJson() {
    return new JsonObject(new LinkedHashMap<>(values));
  }

  /**
   * Keys read from the environment alone, before any configuration is (the transport Vert.x starts on, logging,
   * how a failed start is reported): set on the command line they would change nothing.
   */
  static final Set<String> ENVIRONMENT_ONLY = Set.of(IoTransport.VARIABLE, StartupFailure.DEBUG,
      AccessLogSink.FLUSH_MILLIS, "ORGPLANE_ACCESS_LOG_LEVEL");

  /** The keys a configuration has: the shipped defaults name every one ({@code ""} where none is set). */
  static final Set<String> CONFIGURATION_KEYS = Set.copyOf(ConfigLoader.defaults().fieldNames());

  /** A mistyped key is at most this many letters away from the one meant (two for letters swapped). */
  private static final int MOST_TYPING_ERRORS = 3;

  /**
   * A key is refused while the command line is read, as a usage error, before the command starts anything: a
   * mistyped one would be set to no effect ({@code ORGPLANE_HTTP_PROT=9090} started on 8080).
   */
  static final class Key implements ITypeConverter<String> {
    @Override
    public String convert(String key) {
      if (!key.startsWith("ORGPLANE_")) {
        throw new TypeConversionException("unknown configuration key '" + key + "': keys start with ORGPLANE_");
      }
      if (ENVIRONMENT_ONLY.contains(key)) {
        throw new TypeConversionException(key + " is read from the environment only: set it there");
      }
      if (!CONFIGURATION_KEYS.contains(key)) {
        throw new TypeConversionException("unknown configuration key '" + key + "'"
            + closest(key, CONFIGURATION_KEYS).map(known -> ": did you mean " + known + "?")
                .orElse(" (see the README's table)"));
      }
      return key;
    }
  }

  /** The one of {@code known} that {@code key} is a mistyping of, if any. */
  static Optional<String> closest(String key, Set<String> known) {
    return known.stream().filter(candidate -> editDistance(key, candidate) <= MOST_TYPING_ERRORS)
        .min(Comparator.comparingInt((String candidate) -> editDistance(key, candidate)).thenComparing(c -> c));
  }

  /** Levenshtein's: the fewest letters inserted, deleted or replaced that make {@code a} into {@code b}. */
  private static int editDistance(String a, String b) {
    var previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      var current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int replace = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(replace, Math.min(previous[j], current[j - 1]) + 1);
      }
      previous = current;
    }
    return previous[b.length()];
  }
}
