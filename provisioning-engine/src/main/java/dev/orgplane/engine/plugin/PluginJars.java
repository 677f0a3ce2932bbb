package dev.orgplane.engine.plugin;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/** A class loader over the plugin jars in {@code ORGPLANE_PLUGINS_DIR}, child of the engine's own. */
public final class PluginJars {

  private PluginJars() {
  }

  public static ClassLoader loader(String directory, ClassLoader parent) {
    if (directory == null || directory.isBlank()) {
      return parent;
    }
    var dir = Path.of(directory);
    if (!Files.isDirectory(dir)) {
      throw new PluginConfigurationException("ORGPLANE_PLUGINS_DIR " + dir.toAbsolutePath() + " is not a directory");
    }
    try (var files = Files.list(dir)) {
      var urls = files.filter(f -> f.toString().endsWith(".jar")).sorted().map(PluginJars::url).toArray(URL[]::new);
      return new URLClassLoader("orgplane-plugins", urls, parent);
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read ORGPLANE_PLUGINS_DIR " + dir + ": " + e.getMessage());
    }
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new PluginConfigurationException("bad plugin jar path " + jar);
    }
  }
}
