package dev.orgplane.kit.config;

/** A configuration value that is missing or malformed; its message names the key. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
