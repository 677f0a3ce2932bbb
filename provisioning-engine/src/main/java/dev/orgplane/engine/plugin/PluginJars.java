package dev.orgplane.engine.plugin;

import dev.orgplane.copy.api.CopyPlugin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.jar.JarFile;

/** A class loader over the plugin jars in {@code ORGPLANE_PLUGINS_DIR}, child of the engine's own. */
public final class PluginJars {

  private static final String PROVIDERS = "META-INF/services/" + CopyPlugin.class.getName();

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
      var jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
      refuseProvidersOfferedTwice(jars);
      return new URLClassLoader("orgplane-plugins", jars.stream().map(PluginJars::url).toArray(URL[]::new), parent);
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read ORGPLANE_PLUGINS_DIR " + dir + ": " + e.getMessage());
    }
  }

  /**
   * One class loader serves every jar, and ServiceLoader keeps one provider per class name, loaded from the jar
   * that sorts first: with a jar twice (an upgrade's old one left beside the new) the old copy would run, unseen
   * by the registry's duplicate id check.
   */
  private static void refuseProvidersOfferedTwice(List<Path> jars) {
    var offeredBy = new HashMap<String, Path>();
    for (var jar : jars) {
      for (var provider : providers(jar)) {
        var other = offeredBy.putIfAbsent(provider, jar);
        if (other != null) {
          throw new PluginConfigurationException("two jars of ORGPLANE_PLUGINS_DIR offer the plugin " + provider
              + ": " + other.getFileName() + " and " + jar.getFileName() + "; keep one of them");
        }
      }
    }
  }

  private static List<String> providers(Path jar) {
    try (var file = new JarFile(jar.toFile())) {
      var entry = file.getJarEntry(PROVIDERS);
      if (entry == null) {
        return List.of();
      }
      try (var lines = new BufferedReader(new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
        // the services file format: one class name a line, '#' starts a comment
        return lines.lines().map(line -> line.replaceFirst("#.*", "").strip()).filter(name -> !name.isEmpty())
            .distinct().toList();
      }
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read plugin jar " + jar + ": " + e.getMessage());
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
