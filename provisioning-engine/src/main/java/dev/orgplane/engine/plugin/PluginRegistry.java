package dev.orgplane.engine.plugin;

import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.kit.http.ApiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The copy plugins in the order they run. Built once at start; refuses to start (naming the
 * culprits) on a duplicate id, a dependency nobody provides, a dependency cycle or a plugin built
 * for another SPI version, because any of these would copy templates wrongly later.
 */
public final class PluginRegistry {

  private final List<CopyPlugin> ordered;

  private PluginRegistry(List<CopyPlugin> ordered) {
    this.ordered = List.copyOf(ordered);
  }

  /** The plugins visible to {@code loader} (the classpath, plus plugin jars if it includes them). */
  public static PluginRegistry discover(ClassLoader loader) {
    var plugins = new ArrayList<CopyPlugin>();
    ServiceLoader.load(CopyPlugin.class, loader).forEach(plugins::add);
    return of(plugins);
  }

  public static PluginRegistry of(List<CopyPlugin> plugins) {
    var byId = new HashMap<String, CopyPlugin>();
    for (var plugin : plugins) {
      if (plugin.spiVersion() != CopyPlugin.SPI_VERSION) {
        throw new PluginConfigurationException("plugin " + plugin.id() + " (" + plugin.getClass().getName()
            + ") was built for SPI version " + plugin.spiVersion() + "; this engine speaks " + CopyPlugin.SPI_VERSION);
      }
      var previous = byId.putIfAbsent(plugin.id(), plugin);
      if (previous != null) {
        throw new PluginConfigurationException("two plugins have the id " + plugin.id() + ": "
            + previous.getClass().getName() + " and " + plugin.getClass().getName());
      }
    }
    for (var plugin : plugins) {
      var unknown = new TreeSet<>(plugin.dependsOn());
      unknown.removeAll(byId.keySet());
      if (!unknown.isEmpty()) {
        throw new PluginConfigurationException("plugin " + plugin.id() + " depends on unknown plugins " + unknown);
      }
    }
    return new PluginRegistry(topologicalOrder(byId));
  }

  /** Kahn's algorithm; among ready plugins the lowest (order, id) goes first, so the order is stable. */
  private static List<CopyPlugin> topologicalOrder(Map<String, CopyPlugin> byId) {
    var remainingDeps = new HashMap<String, Integer>();
    var dependents = new HashMap<String, List<CopyPlugin>>();
    byId.values().forEach(p -> {
      remainingDeps.put(p.id(), p.dependsOn().size());
      p.dependsOn().forEach(d -> dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(p));
    });
    var ready = new PriorityQueue<>(Comparator.comparingInt(CopyPlugin::order).thenComparing(CopyPlugin::id));
    byId.values().stream().filter(p -> p.dependsOn().isEmpty()).forEach(ready::add);
    var ordered = new ArrayList<CopyPlugin>();
    while (!ready.isEmpty()) {
      var next = ready.poll();
      ordered.add(next);
      dependents.getOrDefault(next.id(), List.of()).forEach(d -> {
        if (remainingDeps.merge(d.id(), -1, Integer::sum) == 0) {
          ready.add(d);
        }
      });
    }
    if (ordered.size() < byId.size()) {
      var cyclic = new TreeSet<>(byId.keySet());
      ordered.forEach(p -> cyclic.remove(p.id()));
      throw new PluginConfigurationException("plugins depend on each other in a cycle: " + cyclic);
    }
    return ordered;
  }

  public List<CopyPlugin> inRunOrder() {
    return ordered;
  }

  /** The ids of the installed plugins. */
  public Set<String> ids() {
    return ordered.stream().map(CopyPlugin::id).collect(Collectors.toUnmodifiableSet());
  }

  public Optional<CopyPlugin> find(String id) {
    return ordered.stream().filter(plugin -> plugin.id().equals(id)).findFirst();
  }

  /** The ids of all plugins, in run order: what a request naming none runs. */
  public List<String> all() {
    return ordered.stream().map(CopyPlugin::id).toList();
  }

  /**
   * The ids of {@code requested} plugins, as a request sent them at {@code field}, and everything they depend on, in
   * run order. Unknown ids are a 422 naming each where it was sent ({@code field[i]}), in a sentence, since an id may
   * be anything, the empty string too.
   */
  public List<String> selection(String field, List<String> requested) {
    var unknown = IntStream.range(0, requested.size()).filter(i -> find(requested.get(i)).isEmpty()).boxed().toList();
    if (!unknown.isEmpty()) {
      var quoted = unknown.stream().map(i -> "\"" + requested.get(i) + "\"").toList();
      throw new ApiException(422, "unknown_plugin", "No such copy plugin: "
          + String.join(", ", new LinkedHashSet<>(quoted)) + ".", IntStream.range(0, unknown.size())
          .mapToObj(n -> new ApiException.FieldError(field + "[" + unknown.get(n) + "]",
              "no copy plugin " + quoted.get(n) + " is installed")).toList());
    }
    var needed = new HashSet<String>();
    var pending = new ArrayDeque<>(requested);
    while (!pending.isEmpty()) {
      var id = pending.pop();
      if (needed.add(id)) {
        pending.addAll(find(id).orElseThrow().dependsOn());
      }
    }
    return ordered.stream().map(CopyPlugin::id).filter(needed::contains).toList();
  }
}
