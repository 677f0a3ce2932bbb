package dev.orgplane.org.event;

import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where hooks may send events. Unless private addresses are allowed (standalone, tests), a URL that
 * names a loopback, private, link-local or otherwise internal address ({@link InternalAddresses}) is refused,
 * so hooks cannot be used to reach the platform's own network (SSRF). Writes check what the URL says; delivery checks
 * again what its name resolves to at that moment, since DNS can change, and connects to what it checked
 * ({@link #checkedAddress}).
 */
public final class HookUrls {

  private static final Set<String> SCHEMES = Set.of("http", "https");
  /** A DNS name (its labels of letters, digits, {@code -} and {@code _}; the root's dot allowed) or an IPv6 literal. */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?|\\[[0-9A-Fa-f:.]+\\]");
  /** A lower-case host whose last label is a number, decimal or hex: an IPv4 address to resolvers, URL parsers too. */
  private static final Pattern NUMBER_LAST = Pattern.compile("(.*\\.)?([0-9]+|0x[0-9a-f]*)\\.?");
  /**
   * An IPv4 address as everyone reads it alike. The other forms the C resolver takes for one ({@code 127.1}, {@code
   * 0x7f000001}, octal {@code 017700000001} or {@code 010.0.0.1}) Java reads otherwise, or as names to look up, so a
   * write could not tell what they name: they are refused whatever they name (a delivery's check of what its host
   * resolves to refuses the internal ones all the same).
   */
  private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
      + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  private HookUrls() {
  }

  /** Null when acceptable, else what is wrong. */
  public static String problem(Object value, boolean allowPrivate) {
    if (!(value instanceof String text) || text.length() > 2048) {
      return "must be an http(s) URL of at most 2048 characters";
    }
    URL url;
    try {
      var uri = URI.create(text);
      if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
        return "must be an http(s) URL";
      }
      // read as a delivery reads it (RequestOptions#setAbsoluteURI): URI finds no host in a name holding an
      // underscore, which DNS names may, or in one whose last label starts with a digit
      url = uri.toURL();
    } catch (IllegalArgumentException | MalformedURLException e) {
      return "must be an http(s) URL";
    }
    if (!HOST.matcher(url.getHost()).matches()) {
      return "must be an http(s) URL with a host";
    }
    if (url.getUserInfo() != null) {
      return "must be an http(s) URL without credentials";
    }
    if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
      return "must be an http(s) URL with a port from 1 to 65535";
    }
    var host = url.getHost().toLowerCase(Locale.ROOT);
    if (NUMBER_LAST.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
      return "must name its host by a DNS name, an IPv4 address of four decimal numbers or an IPv6 one in brackets";
    }
    if (!allowPrivate && isInternal(host)) {
      return "must not point at a private, loopback or link-local address";
    }
    return null;
  }

  /**
   * Blocking (DNS): the address a delivery to {@code host} is to connect to, or null when the host does not
   * resolve or (unless {@code allowPrivate}) any of its addresses is internal. The delivery connects to this very
   * address (naming the host in its Host header and TLS handshake): were the name looked up again to connect, a
   * name that answered with a public address to the check could answer with an internal one to the connection
   * (DNS rebinding).
   */
  public static InetAddress checkedAddress(String host, boolean allowPrivate) {
    try {
      var addresses = InetAddress.getAllByName(host);
      for (var address : addresses) {
        if (!allowPrivate && InternalAddresses.contains(address)) {
          return null;
        }
      }
      return addresses[0];
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code host}, in lower case, is internal. A name with the DNS root's dot ({@code localhost.}) is the name. */
  private static boolean isInternal(String host) {
    var name = host.replaceAll("^\\[|\\]$|\\.$", "");
    if (name.equals("localhost") || name.endsWith(".localhost") || name.endsWith(".local") || name.endsWith(".internal")) {
      return true;
    }
    if (!name.matches("[0-9.]+") && !name.contains(":")) {
      return false;
    }
    try {
      return InternalAddresses.contains(InetAddress.getByName(name));
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }
}
