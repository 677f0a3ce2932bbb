package dev.orgplane.kit.config;

import io.vertx.core.json.JsonObject;

/**
 * Typed reads of configuration values. The environment delivers every value as a string, so
 * numbers and booleans are parsed here, with an error that names the key when a value is wrong.
 */
public final class Settings {

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

  public int integer(String key) {
    var raw = string(key);
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + raw + "'");
    }
  }

  /**
   * How many instances of a service to deploy, each on an event loop of its own (one carries its connections both
   * ways, so a service with one uses at most a core): at least 1.
   */
  public int eventLoops(String key) {
    var loops = integer(key);
    if (loops < 1) {
      throw new ConfigException(key + " must be at least 1, got " + loops);
    }
    return loops;
  }

  public long longValue(String key) {
    var raw = string(key);
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got '" + raw + "'");
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
