package dev.orgplane.copy.api;

import io.vertx.core.Future;
import java.util.Set;

/**
 * Copies one kind of object (its {@link #id()}) from a template organization into a target one.
 * Plugins are found with {@link java.util.ServiceLoader}; list the implementation in
 * {@code META-INF/services/dev.orgplane.copy.api.CopyPlugin}. The engine runs plugins in an order
 * that honours {@link #dependsOn()}, breaking ties by {@link #order()} and then by id.
 *
 * <p>The engine drives a plugin page by page: it calls {@link #copy} with the last persisted
 * {@link Checkpoint}, persists the returned page's cursor and counts, and calls again until the
 * cursor is {@code null}. A crash may repeat a page whose writes landed but whose checkpoint did not,
 * so a page must be safe to write twice: use {@link IdFunction} for target ids and write with
 * create-or-replace calls. Most plugins extend {@link OrgObjectsPlugin} instead of implementing
 * this interface from scratch.
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

  /**
   * Dry run of the page after {@code from}: counts what copying it would create, change and leave
   * alone, and writes nothing. The target organization may not exist yet
   * ({@link CopyContext#targetOrganization()} is {@code null}): then everything is a creation.
   */
  Future<PageResult> plan(CopyContext context, Checkpoint from);

  /**
   * Copies the page of template objects after {@code from} into the target organization. A copy already there takes
   * the template's fields again, unless the job's {@link CopyContext#existing()} is {@link Existing#KEEP}: then it is
   * left exactly as it is, and a plan counts it unchanged.
   */
  Future<PageResult> copy(CopyContext context, Checkpoint from);

  /** Drift of the target from the template for this kind: what is missing, extra or different. */
  Future<KindDiff> diff(CopyContext context);
}
