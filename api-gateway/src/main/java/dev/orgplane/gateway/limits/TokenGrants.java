package dev.orgplane.gateway.limits;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Which token requests hash no password at org-service: a refresh token's and a service user's client secret's are
 * checked by their SHA-256. The grant is read from the body as org-service reads it (a form, its pairs split at
 * {@code &} only, names matched whatever their case, the first {@code grant_type} taken), and only a body that names
 * one such grant and no other {@code grant_type} is let off: whatever the gateway might read otherwise than
 * org-service counts as a password sign-in.
 */
final class TokenGrants {

  private static final Set<String> HASHING_NO_PASSWORD = Set.of("refresh_token", "client_credentials");
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String GRANT_TYPE = "grant_type";

  private TokenGrants() {
  }

  /** Whether a token request of {@code contentType} with {@code body} (null: not read whole) hashes no password. */
  static boolean hashNoPassword(String contentType, Buffer body) {
    if (body == null || contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      return false;
    }
    String grant = null;
    try {
      for (var pair : body.toString(StandardCharsets.UTF_8).split("&")) {
        int equals = pair.indexOf('=');
        var name = QueryStringDecoder.decodeComponent(equals < 0 ? pair : pair.substring(0, equals),
            StandardCharsets.UTF_8);
        if (GRANT_TYPE.equalsIgnoreCase(name)) {
          if (grant != null || equals < 0) {
            return false;
          }
          grant = QueryStringDecoder.decodeComponent(pair.substring(equals + 1), StandardCharsets.UTF_8);
        }
      }
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
    return grant != null && HASHING_NO_PASSWORD.contains(grant);
  }
}
