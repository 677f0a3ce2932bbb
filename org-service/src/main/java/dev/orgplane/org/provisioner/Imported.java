package dev.orgplane.org.provisioner;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An object written by an import-style {@code PUT}, as stored, and what the import did to it. */
public record Imported(ImportResult result, JsonObject object) {

  public void reply(RoutingContext ctx) {
    result.reply(ctx, object);
  }
}
