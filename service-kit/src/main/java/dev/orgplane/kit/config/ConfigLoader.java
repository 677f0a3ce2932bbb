package dev.orgplane.kit.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Loads a service's configuration in three layers, later ones winning: the defaults shipped on the
 * classpath ({@code orgplane-defaults.json}), the process environment, then what the command line
 * (or the launcher) passed explicitly. Every key is an environment-style name such as
 * {@code ORGPLANE_HTTP_PORT}, so one name works in all three layers.
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "orgplane-defaults.json";

  private ConfigLoader() {
  }

  public static Future<JsonObject> load(Vertx vertx, JsonObject commandLine) {
    var options = new ConfigRetrieverOptions()
        .setScanPeriod(-1)
        .setIncludeDefaultStores(false)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults()))
        .addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)))
        .addStore(new ConfigStoreOptions().setType("json").setConfig(commandLine));
    var retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().map(Settings::normalize).eventually(() -> {
      retriever.close();
      return Future.succeededFuture();
    });
  }

  /** The shipped defaults alone, for code that runs before Vert.x exists (the launcher). */
  public static JsonObject defaults() {
    try (var in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }
}
