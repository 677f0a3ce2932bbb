package dev.orgplane.gateway.limits;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which token requests hash no password at org-service: a refresh token's and a service user's client secret's are
 * checked by their SHA-256. Only a form that both the gateway and org-service cannot but read alike is let off: no
 * line break in it, every name written plainly ({@link #PLAIN}), one {@code grant_type} (org-service takes the first,
 * whatever the case of its name) naming such a grant as written, unescaped. Whatever the gateway might read otherwise
 * than org-service counts as a password sign-in.
 */
final class TokenGrants {

  private static final Set<String> HASHING_NO_PASSWORD = Set.of("refresh_token", "client_credentials");
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String GRANT_TYPE = "grant_type";
  /**
   * A name as it is written, not escaped: org-service's decoder (Netty's) trims a field's name and folds tabs
   * and line breaks in it, so {@code %20grant_type} was a second grant_type there, a password one taken first, and no
   * grant_type at all here: unlimited password guesses. Only names both read alike are read at all.
   */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]+");

  private TokenGrants() {
  }

  /** Whether a token request of {@code contentType} with {@code body} (null: not read whole) hashes no password. */
  static boolean hashNoPassword(String contentType, Buffer body) {
    if (body == null || contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
      return false;
    }
    var form = body.toString(StandardCharsets.UTF_8);
    if (form.indexOf('\r') >= 0 || form.indexOf('\n') >= 0) {
      return false;
    }
    String grant = null;
    for (var pair : form.split("&", -1)) {
      int equals = pair.indexOf('=');
      var name = equals < 0 ? pair : pair.substring(0, equals);
      if (!PLAIN.matcher(name).matches()) {
        return false;
      }
      if (GRANT_TYPE.equalsIgnoreCase(name)) {
        if (grant != null || equals < 0) {
          return false;
        }
        grant = pair.substring(equals + 1);
      }
    }
    return grant != null && HASHING_NO_PASSWORD.contains(grant);
  }
}
