package dev.orgplane.engine.plugin;

/** The installed plugins cannot run together; the message names the plugins at fault. */
public final class PluginConfigurationException extends RuntimeException {
  public PluginConfigurationException(String message) {
    super(message);
  }
}
