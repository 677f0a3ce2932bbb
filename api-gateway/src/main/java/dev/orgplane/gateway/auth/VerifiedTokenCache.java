package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenVerifier;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens that passed verification until they expire, keyed by a SHA-256 of the token (the
 * token itself is never kept), so a busy client costs one signature check rather than one per
 * request. Bounded: when full it starts over, which only costs re-verification.
 */
public final class VerifiedTokenCache {

  private final TokenVerifier verifier;
  private final int maxEntries;
  private final Map<String, Principal> verified = new ConcurrentHashMap<>();

  public VerifiedTokenCache(TokenVerifier verifier, int maxEntries) {
    this.verifier = verifier;
    this.maxEntries = maxEntries;
  }

  public Future<Principal> verify(String token) {
    var key = digest(token);
    var cached = verified.get(key);
    long now = System.currentTimeMillis() / 1000;
    if (cached != null) {
      if (cached.expiresAt() > now) {
        return Future.succeededFuture(cached);
      }
      verified.remove(key);
    }
    return verifier.verify(token).onSuccess(principal -> {
      if (verified.size() >= maxEntries) {
        verified.clear();
      }
      verified.put(key, principal);
    });
  }

  private static String digest(String token) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
