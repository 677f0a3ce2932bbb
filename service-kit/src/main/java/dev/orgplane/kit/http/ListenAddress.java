package dev.orgplane.kit.http;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Where a server of this process listens, by the settings that name its host and port. Two servers of one Vert.x
 * given the same host and port do not fail: they share one socket, and its connections go to each in turn (so half of
 * a door's requests reached a service directly, past its rate limits and CORS). On overlapping addresses (one a
 * wildcard, or one address by two names) the second fails to bind, once the database is made. So both are refused
 * before anything starts.
 */
public record ListenAddress(String hostKey, String host, String portKey, int port) {

  /** The host and port {@code settings} give {@code hostKey} and {@code portKey}. */
  public static ListenAddress of(Settings settings, String hostKey, String portKey) {
    return new ListenAddress(hostKey, settings.string(hostKey), portKey, settings.listenPort(portKey));
  }

  /** Throws, naming both settings, when two of {@code addresses} overlap; port 0 (any free one) overlaps none. */
  public static void requireApart(List<ListenAddress> addresses) {
    for (int i = 0; i < addresses.size(); i++) {
      for (int j = i + 1; j < addresses.size(); j++) {
        var first = addresses.get(i);
        var second = addresses.get(j);
        if (first.overlaps(second)) {
          throw new ConfigException(first.portKey + " and " + second.portKey + " are both " + first.port + " on "
              + first.describedHost() + " and " + second.describedHost() + ": give each its own port");
        }
      }
    }
  }

  /** Whether this and {@code other} would take the same socket: the same port, on hosts that overlap. */
  boolean overlaps(ListenAddress other) {
    return port != 0 && port == other.port && hostsOverlap(host, other.host);
  }

  /**
   * The same address, or a wildcard (0.0.0.0, ::) with any: what binds every address takes the port of each. A host
   * that does not resolve is compared by its name.
   */
  static boolean hostsOverlap(String first, String second) {
    try {
      var a = InetAddress.getByName(first);
      var b = InetAddress.getByName(second);
      return a.isAnyLocalAddress() || b.isAnyLocalAddress() || a.equals(b);
    } catch (UnknownHostException e) {
      return first.equalsIgnoreCase(second);
    }
  }

  private String describedHost() {
    return hostKey + " (" + host + ")";
  }
}
