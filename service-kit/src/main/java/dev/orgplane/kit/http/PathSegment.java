package dev.orgplane.kit.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * An id or a name as one segment of a URL's path. {@link URLEncoder} alone is form encoding: it makes a space
 * {@code +}, which a path keeps as a {@code +}, so a name with a space named another object.
 */
public final class PathSegment {

  private PathSegment() {
  }

  /**
   * {@code id} percent-encoded: every character but letters, digits and {@code .-*_}, a slash and a space too. An id of
   * dots only (or none) cannot be one: a router resolves it whatever its encoding.
   */
  public static String of(String id) {
    if (id == null || id.isEmpty() || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("An id is one segment of a path, not \"" + id + "\".");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
