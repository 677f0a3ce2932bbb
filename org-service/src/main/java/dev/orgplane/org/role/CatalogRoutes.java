package dev.orgplane.org.role;

import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /v1/permissions} and {@code GET /v1/roles}: what roles can be built from. */
public final class CatalogRoutes {

  private static final JsonObject PERMISSIONS = permissions();
  private static final JsonObject ROLES = roles();

  public void mount(Router router) {
    QueryParameters.NONE.on(router.get("/v1/permissions")).handler(ctx -> ctx.json(PERMISSIONS));
    QueryParameters.NONE.on(router.get("/v1/roles")).handler(ctx -> ctx.json(ROLES));
  }

  private static JsonObject permissions() {
    var items = new JsonArray();
    PermissionCatalog.PERMISSIONS.forEach((name, description) ->
        items.add(new JsonObject().put("name", name).put("description", description)));
    return new JsonObject().put("items", items).put("nextCursor", null);
  }

  private static JsonObject roles() {
    var items = new JsonArray();
    PermissionCatalog.PREDEFINED_ORDER.forEach(role -> items.add(new JsonObject().put("name", role)
        .put("predefined", true)
        .put("permissions", new JsonArray(PermissionCatalog.PERMISSIONS.keySet().stream()
            .filter(PermissionCatalog.PREDEFINED_ROLES.get(role)::contains).toList()))));
    return new JsonObject().put("items", items).put("nextCursor", null);
  }
}
