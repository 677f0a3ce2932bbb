package dev.orgplane.engine;

import dev.orgplane.copy.api.CopyPlugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * An {@code ORGPLANE_PLUGINS_DIR} whose one jar lists test plugins of this test classpath as services, so an
 * engine loads them beside the built-ins the way it loads a plugin author's jar, and only that engine does.
 */
public final class PluginsDir {

  private PluginsDir() {
  }

  @SafeVarargs
  public static String listing(Class<? extends CopyPlugin>... plugins) {
    try {
      var dir = Files.createTempDirectory("orgplane-plugins");
      dir.toFile().deleteOnExit();
      addJar(dir, "test-plugins.jar", plugins);
      return dir.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a jar named {@code name} to {@code dir}, listing {@code plugins} as services. */
  @SafeVarargs
  public static void addJar(Path dir, String name, Class<? extends CopyPlugin>... plugins) {
    var file = dir.resolve(name);
    try (var jar = new JarOutputStream(Files.newOutputStream(file))) {
      jar.putNextEntry(new JarEntry("META-INF/services/" + CopyPlugin.class.getName()));
      jar.write(Arrays.stream(plugins).map(Class::getName).collect(Collectors.joining("\n", "", "\n"))
          .getBytes(StandardCharsets.UTF_8));
      jar.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.toFile().deleteOnExit();
  }
}
