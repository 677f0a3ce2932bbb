package dev.orgplane.org.setup;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/**
 * Where hooks may send events. Unless private addresses are allowed (standalone, tests), a URL that
 * names a loopback, private, link-local or otherwise internal address is refused, so hooks cannot be
 * used to reach the platform's own network (SSRF). This checks what the URL says; names that resolve
 * to internal addresses must be refused again when delivering.
 */
final class HookUrls {

  private HookUrls() {
  }

  /** Null when acceptable, else what is wrong. */
  static String problem(Object value, boolean allowPrivate) {
    if (!(value instanceof String text) || text.length() > 2048) {
      return "must be an http(s) URL of at most 2048 characters";
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      return "must be an http(s) URL";
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
        || uri.getUserInfo() != null) {
      return "must be an http(s) URL with a host and no credentials";
    }
    if (!allowPrivate && isInternal(uri.getHost())) {
      return "must not point at a private, loopback or link-local address";
    }
    return null;
  }

  private static boolean isInternal(String host) {
    var name = host.toLowerCase(Locale.ROOT).replaceAll("^\\[|\\]$", "");
    if (name.equals("localhost") || name.endsWith(".localhost") || name.endsWith(".local") || name.endsWith(".internal")) {
      return true;
    }
    if (!name.matches("[0-9.]+") && !name.contains(":")) {
      return false;
    }
    try {
      var address = InetAddress.getByName(name);
      return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
          || address.isAnyLocalAddress() || address.isMulticastAddress()
          || name.startsWith("100.64.") || name.startsWith("fc") || name.startsWith("fd");
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }
}
