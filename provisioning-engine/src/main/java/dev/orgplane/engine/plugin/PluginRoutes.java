package dev.orgplane.engine.plugin;

import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /v1/provisioning/plugins}: the plugins in run order, with what they depend on. */
public final class PluginRoutes {

  private final PluginRegistry registry;

  public PluginRoutes(PluginRegistry registry) {
    this.registry = registry;
  }

  public void mount(Router router) {
    var items = new JsonArray();
    registry.inRunOrder().forEach(p -> items.add(new JsonObject().put("id", p.id())
        .put("dependsOn", new JsonArray(p.dependsOn().stream().sorted().toList())).put("order", p.order())
        .put("spiVersion", p.spiVersion())));
    var body = new JsonObject().put("items", items).put("nextCursor", null);
    QueryParameters.NONE.on(router.get("/v1/provisioning/plugins")).handler(ctx -> ctx.json(body));
  }
}
