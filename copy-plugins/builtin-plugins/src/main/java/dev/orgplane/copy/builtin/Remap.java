package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reference remapping shared by the plugins whose objects point at other copied objects. */
final class Remap {

  private Remap() {
  }

  /** {@code ids} with each template id replaced by its copy's id. */
  static JsonArray ids(CopyContext context, JsonArray ids) {
    var copies = new JsonArray();
    if (ids != null) {
      ids.forEach(id -> copies.add(context.ids().copyOf((String) id)));
    }
    return copies;
  }

  /** {@code copy} with template ids inside its free-form {@code field} remapped, if it has that field. */
  static Future<JsonObject> embedded(CopyContext context, JsonObject copy, String field) {
    var freeForm = copy.getJsonObject(field);
    if (freeForm == null || freeForm.isEmpty()) {
      return Future.succeededFuture(copy);
    }
    return context.ids().remapEmbedded(freeForm).map(remapped -> copy.put(field, remapped));
  }
}
