package dev.orgplane.kit.config;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * A service's verticle, handed its command-line configuration layer when it is made instead of as its
 * deployment's config: Vert.x 5.0 copies a deployment's options, config included, into the context it
 * makes for every HTTP client request, so a gateway started with twenty {@code --set} keys copied twenty
 * map entries for each request it proxied (a tenth of what it allocated). Or handed the whole configuration, as its
 * launcher loaded it already: then it is not loaded again.
 */
public abstract class ServiceVerticle extends VerticleBase {

  private final JsonObject commandLine;
  private final Settings loaded;

  protected ServiceVerticle(JsonObject commandLine) {
    this.commandLine = commandLine.copy();
    this.loaded = null;
  }

  /**
   * With the configuration its launcher loaded (to count the instances to deploy, say): one load for the process,
   * whose every instance starts from the same values.
   */
  protected ServiceVerticle(Settings loaded) {
    // as a layer that beats defaults and environment, the whole configuration loads to itself
    this.commandLine = loaded.asJson();
    this.loaded = loaded;
  }

  /** The layer that beats defaults and environment (see {@link ConfigLoader}). */
  protected JsonObject commandLine() {
    return commandLine;
  }

  /** The configuration: as given, or loaded from defaults, environment and the command-line layer. */
  protected Future<Settings> configuration() {
    return loaded != null ? Future.succeededFuture(loaded) : ConfigLoader.load(vertx, commandLine).map(Settings::new);
  }
}
