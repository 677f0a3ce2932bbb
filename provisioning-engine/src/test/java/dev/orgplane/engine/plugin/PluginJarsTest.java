package dev.orgplane.engine.plugin;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.builtin.WorkspacesPlugin;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.job.HeldPagePlugin;
import dev.orgplane.engine.job.LateFailingPlugin;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginJarsTest {

  @TempDir
  Path dir;

  @Test
  void pluginOfferedByTwoJarsIsRefusedNamingBoth() {
    PluginsDir.addJar(dir, "example-plugin-1.0.jar", LateFailingPlugin.class);
    PluginsDir.addJar(dir, "example-plugin-1.1.jar", HeldPagePlugin.class, LateFailingPlugin.class);
    var failure = assertThrows(PluginConfigurationException.class,
        () -> PluginJars.loader(dir.toString(), getClass().getClassLoader()));
    assertTrue(failure.getMessage().contains(LateFailingPlugin.class.getName()), failure.getMessage());
    assertTrue(failure.getMessage().contains("example-plugin-1.0.jar and example-plugin-1.1.jar"),
        failure.getMessage());
  }

  /**
   * The engine's own class loader answers first, so a jar's copy of a bundled plugin never ran: until session 33 the
   * engine started with the bundled one, the jar (a newer build, say) ignored without a word.
   */
  @Test
  void aJarOfferingABundledPluginIsRefusedNamingBoth() {
    PluginsDir.addJar(dir, "workspaces-2.0.jar", WorkspacesPlugin.class);
    var failure = assertThrows(PluginConfigurationException.class,
        () -> PluginJars.loader(dir.toString(), getClass().getClassLoader()));
    assertTrue(failure.getMessage().contains("workspaces-2.0.jar"), failure.getMessage());
    assertTrue(failure.getMessage().contains(WorkspacesPlugin.class.getName() + ", which the engine bundles"),
        failure.getMessage());
  }

  @Test
  void pluginsOfDifferentJarsAreAllFound() {
    PluginsDir.addJar(dir, "a.jar", LateFailingPlugin.class);
    PluginsDir.addJar(dir, "b.jar", HeldPagePlugin.class);
    var registry = PluginRegistry.discover(PluginJars.loader(dir.toString(), getClass().getClassLoader()));
    assertTrue(registry.find("late-failing").isPresent());
    assertTrue(registry.find("held-page").isPresent());
  }
}
