package dev.orgplane.kit.config;

import dev.orgplane.kit.http.Ids;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Typed reads of configuration values. The environment delivers every value as a string, so
 * numbers and booleans are parsed here, with an error that names the key when a value is wrong.
 */
public final class Settings {

  /** The largest TCP port. */
  public static final int MAX_PORT = 65_535;
  /**
   * The longest period in milliseconds a setting may give (a day): longer is no schedule anyone means, and sums of
   * periods (a signing key's lead) would overflow near {@code Long.MAX_VALUE} with an error naming no setting.
   */
  public static final long LONGEST_PERIOD_MILLIS = 86_400_000L;

  private final JsonObject values;

  public Settings(JsonObject values) {
    this.values = values;
  }

  public JsonObject asJson() {
    return values.copy();
  }

  /** These settings with {@code overrides} winning, as if loaded with them as the command-line layer. */
  public Settings with(JsonObject overrides) {
    return new Settings(normalize(values.copy().mergeIn(overrides)));
  }

  public String string(String key) {
    var value = values.getValue(key);
    if (value == null || value.toString().isBlank()) {
      throw new ConfigException(key + " is not set");
    }
    return value.toString();
  }

  public String string(String key, String fallback) {
    var value = values.getValue(key);
    return value == null || value.toString().isBlank() ? fallback : value.toString();
  }

  /** {@code key} as a whole number from {@code min} to {@code max}; anything else stops the start, naming the key. */
  public int integer(String key, int min, int max) {
    return (int) whole(key, min, max, Integer.MAX_VALUE);
  }

  /**
   * {@code key} as a whole number from {@code min} to {@code max}: one out of range, or no whole number, is a
   * {@link ConfigException} that names the key, the range and the value given.
   */
  public long longValue(String key, long min, long max) {
    return whole(key, min, max, Long.MAX_VALUE);
  }

  /** {@code typeMax}: the largest value of the type read, which as {@code max} bounds nothing but the type. */
  private long whole(String key, long min, long max, long typeMax) {
    var raw = string(key).trim();
    long value;
    try {
      value = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, " + range(min, max, max == typeMax) + ", got '" + raw
          + "'");
    }
    if (value < min || value > max) {
      throw new ConfigException(key + " must be " + range(min, max, max == typeMax && value < min) + ", got " + value);
    }
    return value;
  }

  /** {@code key} as a number, fractions allowed, from {@code min} to {@code max} (so never NaN or infinite). */
  public double decimal(String key, double min, double max) {
    var raw = string(key).trim();
    try {
      var value = Double.parseDouble(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused as a value out of range is: the message shows what was given either way
    }
    throw new ConfigException(key + " must be a number, " + decimalRange(min, max) + ", got '" + raw + "'");
  }

  /** {@code key} as a period in milliseconds: 1 to {@value #LONGEST_PERIOD_MILLIS} (a day). */
  public long periodMillis(String key) {
    return longValue(key, 1, LONGEST_PERIOD_MILLIS);
  }

  /** {@code key} as a port to listen on: 1 to 65535, or 0 for any free one (tests and one-off runs). */
  public int listenPort(String key) {
    return integer(key, 0, MAX_PORT);
  }

  /**
   * How many instances of a service to deploy, each on an event loop of its own (one carries its connections both
   * ways, so a service with one uses at most a core): at least 1.
   */
  public int eventLoops(String key) {
    return integer(key, 1, Integer.MAX_VALUE);
  }

  /** "at least min" where that says all there is to know ({@code atLeast}), else "min to max". */
  private static String range(long min, long max, boolean atLeast) {
    return atLeast ? "at least " + min : min + " to " + max;
  }

  private static String decimalRange(double min, double max) {
    return max == Double.MAX_VALUE ? "at least " + plain(min) : plain(min) + " to " + plain(max);
  }

  /** 0.001, not 1.0E-3. */
  private static String plain(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  /**
   * {@code key} as a UUID written as one ({@link Ids#parse}), blanks around it dropped (a value read from a file ends
   * with a line break): {@link UUID#fromString} read {@code 1-1-1-1-1} as some other id than the one written.
   */
  public UUID uuid(String key) {
    var raw = string(key).trim();
    try {
      return Ids.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + " must be a UUID, got '" + raw + "'");
    }
  }

  public boolean bool(String key) {
    var raw = string(key).trim().toLowerCase(java.util.Locale.ROOT);
    return switch (raw) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new ConfigException(key + " must be true or false, got '" + raw + "'");
    };
  }

  /**
   * {@code key}'s file, blank for none, else a file this process can read: checked when the settings are, not first
   * when a server or client opens it, after a launcher has made its database.
   */
  public String readableFile(String key) {
    var path = string(key, "").trim();
    // a readable directory is no file: refused here, not when its contents are loaded after the database is made
    if (!path.isEmpty() && !(Files.isRegularFile(Path.of(path)) && Files.isReadable(Path.of(path)))) {
      throw new ConfigException(key + ": no readable file at " + path);
    }
    return path;
  }

  /** {@code key}'s directory, blank for none, else one that exists, as {@link #readableFile} checks a file. */
  public String directory(String key) {
    var path = string(key, "").trim();
    if (!path.isEmpty() && !Files.isDirectory(Path.of(path))) {
      throw new ConfigException(key + " " + Path.of(path).toAbsolutePath() + " is not a directory");
    }
    return path;
  }

  public boolean has(String key) {
    var value = values.getValue(key);
    return value != null && !value.toString().isBlank();
  }

  /** Keeps only ORGPLANE_* keys, so the rest of the process environment does not leak into logs. */
  static JsonObject normalize(JsonObject merged) {
    var result = new JsonObject();
    merged.forEach(e -> {
      if (e.getKey().startsWith("ORGPLANE_")) {
        result.put(e.getKey(), e.getValue());
      }
    });
    return result;
  }
}
