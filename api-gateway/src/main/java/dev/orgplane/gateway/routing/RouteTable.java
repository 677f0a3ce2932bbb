package dev.orgplane.gateway.routing;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Which upstream serves a path: the route with the longest prefix covering it ({@link Route#covers}). Configured by
 * {@code ORGPLANE_ROUTES}; the default sends provisioning to the engine and the rest of the API to
 * org-service.
 */
public final class RouteTable {

  private final List<Route> routes;

  RouteTable(List<Route> routes) {
    this.routes = routes.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed()).toList();
  }

  public static RouteTable from(Settings settings) {
    var configured = settings.string("ORGPLANE_ROUTES", "");
    try {
      var json = configured.isBlank() ? defaults(settings) : new JsonArray(configured);
      return new RouteTable(IntStream.range(0, json.size())
          .mapToObj(i -> Route.fromJson(json.getJsonObject(i), "ORGPLANE_ROUTES[" + i + "]")).toList());
    } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException e) {
      throw new ConfigException("ORGPLANE_ROUTES must be a JSON array of {prefix, upstreams, timeoutMs}: "
          + e.getMessage());
    }
  }

  private static JsonArray defaults(Settings settings) {
    var org = new JsonArray().add(upstream(settings, "ORGPLANE_ORG_SERVICE_SOCKET", "ORGPLANE_ORG_SERVICE_URL"));
    var engine = new JsonArray().add(upstream(settings, "ORGPLANE_ENGINE_SOCKET", "ORGPLANE_ENGINE_URL"));
    return new JsonArray()
        .add(new JsonObject().put("prefix", "/v1/provisioning/").put("upstreams", engine))
        .add(new JsonObject().put("prefix", "/v1/").put("upstreams", org))
        .add(new JsonObject().put("prefix", "/.well-known/").put("upstreams", org));
  }

  /** A service that also listens on a Unix socket (it runs on this host) is reached through it. */
  private static String upstream(Settings settings, String socket, String url) {
    var path = settings.string(socket, "");
    return path.isBlank() ? settings.string(url) : Route.UNIX + ":" + path;
  }

  /** The route of {@code path}; a loop, not a stream: asked for every request. */
  public Optional<Route> match(String path) {
    for (int i = 0; i < routes.size(); i++) {
      if (routes.get(i).covers(path)) {
        return Optional.of(routes.get(i));
      }
    }
    return Optional.empty();
  }

  /** Whether some route sends to a Unix socket ({@code unix:/path}). */
  public boolean reachesUnixSockets() {
    return routes.stream().flatMap(r -> r.upstreams().stream()).anyMatch(u -> Route.UNIX.equals(u.getScheme()));
  }

  public List<Route> routes() {
    return routes;
  }
}
