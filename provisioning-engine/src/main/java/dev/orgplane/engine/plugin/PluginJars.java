package dev.orgplane.engine.plugin;

import dev.orgplane.copy.api.CopyPlugin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;

/** A class loader over the plugin jars in {@code ORGPLANE_PLUGINS_DIR}, child of the engine's own. */
public final class PluginJars {

  private static final String PROVIDERS = "META-INF/services/" + CopyPlugin.class.getName();

  private PluginJars() {
  }

  /**
   * The loader of {@code directory}'s jars; {@code parent} itself for none (blank). The directory is one the settings
   * read as a directory ({@code Settings.directory}): a path that is none stops the start there, before the database
   * in standalone, with a {@code ConfigException} naming the setting and the path, as every setting's mistake does.
   */
  public static ClassLoader loader(String directory, ClassLoader parent) {
    if (directory == null || directory.isBlank()) {
      return parent;
    }
    var dir = Path.of(directory);
    try (var files = Files.list(dir)) {
      var jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
      refuseProvidersOfferedTwice(jars, bundled(parent));
      return new URLClassLoader("orgplane-plugins", jars.stream().map(PluginJars::url).toArray(URL[]::new), parent);
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read ORGPLANE_PLUGINS_DIR " + dir + ": " + e.getMessage());
    }
  }

  /**
   * One class loader serves every jar, and ServiceLoader keeps one provider per class name, loaded from the jar
   * that sorts first: with a jar twice (an upgrade's old one left beside the new) the old copy would run, unseen
   * by the registry's duplicate id check. The engine's own loader answers before any jar, so a jar's copy of a
   * plugin the engine bundles would never run either (until session 33 the engine started without a word).
   */
  private static void refuseProvidersOfferedTwice(List<Path> jars, Set<String> bundled) {
    var offeredBy = new HashMap<String, Path>();
    for (var jar : jars) {
      for (var provider : providers(jar)) {
        if (bundled.contains(provider)) {
          throw new PluginConfigurationException("plugin jar " + jar.getFileName() + " of ORGPLANE_PLUGINS_DIR offers "
              + provider + ", which the engine bundles and runs instead; remove the jar (a bundled plugin changes "
              + "with the engine)");
        }
        var other = offeredBy.putIfAbsent(provider, jar);
        if (other != null) {
          throw new PluginConfigurationException("two jars of ORGPLANE_PLUGINS_DIR offer the plugin " + provider
              + ": " + other.getFileName() + " and " + jar.getFileName() + "; keep one of them");
        }
      }
    }
  }

  /** The plugin classes {@code engine} offers itself: the built-ins, and any other on the engine's class path. */
  private static Set<String> bundled(ClassLoader engine) {
    var providers = new HashSet<String>();
    try {
      for (var listing : Collections.list(engine.getResources(PROVIDERS))) {
        try (var in = listing.openStream()) {
          providers.addAll(providers(in));
        }
      }
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read the engine's own plugin listings: " + e.getMessage());
    }
    return providers;
  }

  private static List<String> providers(Path jar) {
    try (var file = new JarFile(jar.toFile())) {
      var entry = file.getJarEntry(PROVIDERS);
      if (entry == null) {
        return List.of();
      }
      try (var in = file.getInputStream(entry)) {
        return providers(in);
      }
    } catch (IOException e) {
      throw new PluginConfigurationException("cannot read plugin jar " + jar + ": " + e.getMessage());
    }
  }

  private static List<String> providers(InputStream listing) throws IOException {
    try (var lines = new BufferedReader(new InputStreamReader(listing, StandardCharsets.UTF_8))) {
      // the services file format: one class name a line, '#' starts a comment
      return lines.lines().map(line -> line.replaceFirst("#.*", "").strip()).filter(name -> !name.isEmpty())
          .distinct().toList();
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
