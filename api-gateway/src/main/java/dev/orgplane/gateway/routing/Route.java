package dev.orgplane.gateway.routing;

import dev.orgplane.kit.config.MaskedUrl;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A path prefix and the upstreams that serve it: base URLs ({@code http://host:port}) or Unix sockets
 * of services on the same host ({@code unix:/path/to/socket}).
 */
public record Route(String prefix, List<URI> upstreams, long timeoutMillis) {

  static final String UNIX = "unix";

  /**
   * The longest wait a route may set, a day: the timeout bounds a connection's opening and its silence, and an
   * upstream still owing an answer after a day holds its connection for nothing.
   */
  static final long MAX_TIMEOUT_MILLIS = 86_400_000L;

  /** {@code name}: how the entry is named in errors, e.g. {@code ORGPLANE_ROUTES[1]}. */
  static Route fromJson(JsonObject json, String name) {
    var upstreams = json.getJsonArray("upstreams").stream().map(u -> address(parsed(u.toString()))).toList();
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("route " + json.getString("prefix") + " has no upstreams");
    }
    return new Route(json.getString("prefix"), upstreams, timeoutMillis(json, name + ".timeoutMs"));
  }

  /** {@code timeoutMs} ranged as every numeric setting is: 0 would fail every request, a fraction is no number. */
  private static long timeoutMillis(JsonObject json, String key) {
    var given = json.getValue("timeoutMs");
    return given == null ? 30_000L
        : new Settings(new JsonObject().put(key, given)).longValue(key, 1, MAX_TIMEOUT_MILLIS);
  }

  /**
   * Whether {@code path} lies under the prefix, at a segment boundary: {@code /v1/provisioning} serves itself and
   * {@code /v1/provisioning/jobs}, never {@code /v1/provisioningX}, a path of another resource.
   */
  boolean covers(String path) {
    return path.startsWith(prefix) && (prefix.endsWith("/") || path.length() == prefix.length()
        || path.charAt(prefix.length()) == '/');
  }

  /** The Host header an upstream is asked with: its host and port, or {@code localhost} behind a Unix socket. */
  static String authority(URI upstream) {
    return UNIX.equals(upstream.getScheme()) ? "localhost" : upstream.getHost() + ":" + upstream.getPort();
  }

  /**
   * The address {@code upstream} names, and nothing else: the connections, the quarantine and the gauges of an
   * upstream are keyed by it, so two routes writing one address differently ({@code http://h:8081} and
   * {@code http://h:8081/}) share one pool of connections, not one each. A path is never sent: requests go with
   * their own.
   */
  private static URI address(URI upstream) {
    try {
      if (UNIX.equals(upstream.getScheme()) && upstream.getPath() != null && upstream.getPath().startsWith("/")) {
        return new URI(UNIX, null, upstream.getPath(), null);
      }
      if ("http".equals(upstream.getScheme()) && upstream.getHost() != null && upstream.getPort() > 0) {
        return new URI("http", null, upstream.getHost(), upstream.getPort(), null, null, null);
      }
    } catch (URISyntaxException e) {
      // not an address we can take: refused below
    }
    throw new IllegalArgumentException("upstream " + MaskedUrl.of(upstream.toString())
        + " is neither http://host:port nor unix:/path");
  }

  /** {@code upstream} read as a URI; one that is none is refused without its text, which its parser quotes whole. */
  private static URI parsed(String upstream) {
    try {
      return new URI(upstream);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("upstream " + MaskedUrl.of(upstream) + " is not a URL (" + e.getReason()
          + ")");
    }
  }
}
