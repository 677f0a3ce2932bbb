package dev.orgplane.org.provisioner;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An object written by an import-style {@code PUT}, as stored, what the import did to it, and where it is: its path by
 * ids ({@code OrganizationPaths}), the {@code Location} of a 201 whatever form of the path the request used.
 */
public record Imported(ImportResult result, JsonObject object, String location) {

  public void reply(RoutingContext ctx) {
    result.reply(ctx, location, object);
  }
}
