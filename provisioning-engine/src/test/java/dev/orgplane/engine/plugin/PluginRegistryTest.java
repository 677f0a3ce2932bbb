package dev.orgplane.engine.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginRegistryTest {

  record TestPlugin(String id, Set<String> dependsOn, int order, int spiVersion) implements CopyPlugin {
    static TestPlugin of(String id, String... deps) {
      return new TestPlugin(id, Set.of(deps), 0, SPI_VERSION);
    }

    @Override
    public Future<PageResult> plan(CopyContext context, Checkpoint from) {
      throw new UnsupportedOperationException("ordering only");
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      throw new UnsupportedOperationException("ordering only");
    }

    @Override
    public Future<KindDiff> diff(CopyContext context) {
      throw new UnsupportedOperationException("ordering only");
    }
  }

  private static List<String> order(CopyPlugin... plugins) {
    return PluginRegistry.of(List.of(plugins)).inRunOrder().stream().map(CopyPlugin::id).toList();
  }

  @Test
  void dependenciesRunFirstAndTiesBreakByOrderThenId() {
    assertEquals(List.of("roles", "schemas", "workspaces", "queues", "hooks"), order(
        TestPlugin.of("hooks", "queues"), TestPlugin.of("queues", "schemas", "workspaces"),
        TestPlugin.of("workspaces"), TestPlugin.of("schemas"), new TestPlugin("roles", Set.of(), -10, 1)));
  }

  @Test
  void duplicateIdIsRefused() {
    var failure = assertThrows(PluginConfigurationException.class,
        () -> order(TestPlugin.of("queues"), TestPlugin.of("queues")));
    assertTrue(failure.getMessage().contains("queues"));
  }

  @Test
  void unknownDependencyIsRefusedByName() {
    var failure = assertThrows(PluginConfigurationException.class, () -> order(TestPlugin.of("queues", "schemaz")));
    assertTrue(failure.getMessage().contains("schemaz"));
  }

  @Test
  void cycleIsRefusedNamingItsMembers() {
    var failure = assertThrows(PluginConfigurationException.class, () -> order(
        TestPlugin.of("a", "c"), TestPlugin.of("b", "a"), TestPlugin.of("c", "b"), TestPlugin.of("free")));
    assertTrue(failure.getMessage().contains("[a, b, c]"), failure.getMessage());
  }

  @Test
  void pluginForAnotherSpiVersionIsRefused() {
    var failure = assertThrows(PluginConfigurationException.class,
        () -> order(new TestPlugin("future", Set.of(), 0, CopyPlugin.SPI_VERSION + 1)));
    assertTrue(failure.getMessage().contains("future"));
  }
}
