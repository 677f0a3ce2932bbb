package dev.orgplane.copy.api;

import java.util.Set;

/**
 * Copies one kind of object (its {@link #id()}) from a template organization into a target one.
 * Plugins are found with {@link java.util.ServiceLoader}; list the implementation in
 * {@code META-INF/services/dev.orgplane.copy.api.CopyPlugin}. The engine runs plugins in an order
 * that honours {@link #dependsOn()}, breaking ties by {@link #order()} and then by id.
 */
public interface CopyPlugin {

  /** The SPI version this interface describes; a plugin built for another version is refused. */
  int SPI_VERSION = 1;

  /** A stable, unique id: the kind of object the plugin copies, e.g. {@code "queues"}. */
  String id();

  /** Ids of the plugins whose copies this one references, so they must run first. */
  default Set<String> dependsOn() {
    return Set.of();
  }

  /** Tie-break among plugins whose dependencies allow either order; lower runs first. */
  default int order() {
    return 0;
  }

  /** The SPI version the plugin was built against; the default is the version it was compiled with. */
  default int spiVersion() {
    return SPI_VERSION;
  }
}
