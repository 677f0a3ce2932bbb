package dev.orgplane.kit.config;

import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/**
 * A service's verticle, handed its command-line configuration layer when it is made instead of as its
 * deployment's config: Vert.x 5.0 copies a deployment's options, config included, into the context it
 * makes for every HTTP client request, so a gateway started with twenty {@code --set} keys copied twenty
 * map entries for each request it proxied (a tenth of what it allocated).
 */
public abstract class ServiceVerticle extends VerticleBase {

  private final JsonObject commandLine;

  protected ServiceVerticle(JsonObject commandLine) {
    this.commandLine = commandLine.copy();
  }

  /** The layer that beats defaults and environment (see {@link ConfigLoader}). */
  protected JsonObject commandLine() {
    return commandLine;
  }
}
