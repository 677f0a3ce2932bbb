package dev.orgplane.kit.auth;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An OAuth client's id and secret in an {@code Authorization: Basic} header (RFC 6749 2.3.1): each is
 * form-encoded ({@code application/x-www-form-urlencoded}) before the pair is base64-encoded. Plain HTTP Basic
 * leaves that out, and the token endpoint, decoding as the RFC says, then reads a {@code +} in a secret as a space
 * and refuses a {@code %} not followed by two hex digits: a secret from {@code openssl rand -base64} usually has one.
 */
public record ClientSecretBasic(String clientId, String secret) {

  private static final String SCHEME = "Basic ";

  /** The credentials of {@code authorization}, or null for no header, another scheme or a malformed value. */
  public static ClientSecretBasic in(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    try {
      var pair = new String(Base64.getDecoder().decode(authorization.substring(SCHEME.length()).trim()),
          StandardCharsets.UTF_8);
      var colon = pair.indexOf(':');
      return colon < 0 ? null
          : new ClientSecretBasic(formDecoded(pair.substring(0, colon)), formDecoded(pair.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The {@code Authorization} header value that sends these credentials. */
  public String header() {
    var pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return SCHEME + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** Throws IllegalArgumentException for a {@code %} without two hex digits after it. */
  private static String formDecoded(String encoded) {
    return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
  }
}
