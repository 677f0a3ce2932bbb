package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Writes copies of a kind that has no batch import: one PUT per object, all in flight at once. */
final class PutEach {

  private PutEach() {
  }

  static Future<Counts> write(CopyContext context, String path, List<JsonObject> copies) {
    var puts = copies.stream().map(copy -> {
      var body = copy.copy();
      var id = (String) body.remove("id");
      return context.org().put(context.targetOrganization(), path, id, body);
    }).toList();
    return Future.all(puts).map(all -> all.<Counts>list().stream().reduce(Counts.ZERO, Counts::plus));
  }
}
