package dev.orgplane.gateway.routing;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/** A path prefix and the upstream base URLs that serve it. */
public record Route(String prefix, List<URI> upstreams, long timeoutMillis) {

  static Route fromJson(JsonObject json) {
    var upstreams = json.getJsonArray("upstreams").stream().map(u -> URI.create(u.toString())).toList();
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("route " + json.getString("prefix") + " has no upstreams");
    }
    return new Route(json.getString("prefix"), upstreams, json.getLong("timeoutMs", 30_000L));
  }
}
