package dev.orgplane.kit.auth;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer JWTs against the keys of trusted issuers. The header and claims are checked here
 * before any signature check, because vertx-auth-jwt on its own would accept an unsigned token when
 * it knows no key, and would let the token pick its algorithm: only asymmetric algorithms that the
 * matching key itself declares pass, keys are never taken from the token ({@code jku}, {@code x5u},
 * {@code jwk}), and {@code exp} is mandatory and holds to the second (RFC 7519 section 4.1.4: the token is
 * refused from that moment on). Signature, {@code iss}, {@code aud}, {@code nbf} and {@code iat} are then checked by a
 * JWTAuth built for exactly that key; only a time in the future, {@code nbf} or {@code iat}, has 30 s of leeway, for
 * an issuer whose clock runs a little ahead of ours.
 *
 * <p>ECDSA verification costs about a millisecond of CPU on the JDK, more than the rest of a typical
 * request, so tokens that passed are remembered until they expire, keyed by a SHA-256 of the token
 * (the token itself is never kept): a busy client costs one signature check, not one per request. Only tokens of at
 * most {@link #MAX_REMEMBERED_LENGTH} characters are remembered, so that the memory is bounded in bytes too.
 * This is safe because tokens carry identity only; permissions are looked up per request. A key its issuer's
 * {@link KeySource} finds withdrawn takes the tokens it verified along ({@link KeySource#whenWithdrawn}): remembered,
 * they were taken until they expired. Between {@link #start()} and {@link #stop()} the key sources look for such keys
 * on their own once their keys are stale: a client that only ever sends a remembered token makes no fetch. A token
 * that lives longer than its issuer's tokens do ({@link TrustedIssuer#longestLifetimeSeconds}, the platform's) is
 * refused, so that none is remembered past a token lifetime whatever key signed it.
 */
public final class TokenVerifier {

  static final Set<String> ALLOWED_ALGORITHMS = Set.of("ES256", "RS256", "EdDSA");
  static final Set<String> FORBIDDEN_HEADERS = Set.of("jku", "x5u", "jwk", "x5c", "crit");
  static final int LEEWAY_SECONDS = 30;
  /**
   * Longer tokens are verified on every request, never remembered. A remembered token keeps its claims whole (services
   * read them), so the memory bounded the entries but not their bytes: at 100,000 entries per instance, tokens as long
   * as a header allows were gigabytes, and whoever could get them signed (a provider's user with many groups, a long
   * name) could fill it. At most 2,048 characters each (org-service's are about 500; a provider's are mostly 1,000 to
   * 2,000), the claims of 100,000 are a few hundred megabytes at most.
   */
  static final int MAX_REMEMBERED_LENGTH = 2_048;

  private final Vertx vertx;
  private final Map<String, TrustedIssuer> issuers;
  private final Map<String, JWTAuth> verifiersByKey = new ConcurrentHashMap<>();
  private final Map<Key, Verified> verified = new ConcurrentHashMap<>();
  private final int maxRemembered;

  public TokenVerifier(Vertx vertx, List<TrustedIssuer> trusted) {
    this(vertx, trusted, 100_000);
  }

  public TokenVerifier(Vertx vertx, List<TrustedIssuer> trusted, int maxRemembered) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no trusted issuer configured: refusing to verify tokens with no keys");
    }
    this.vertx = vertx;
    this.maxRemembered = maxRemembered;
    this.issuers = TrustedIssuer.byIssuer(trusted);
    trusted.forEach(issuer -> issuer.keys().whenWithdrawn(kids -> forget(issuer.issuer(), kids)));
  }

  /** Its issuers' keys are fetched again when stale, tokens or not; its owner starts it, and stops it. */
  public void start() {
    issuers.values().forEach(issuer -> issuer.keys().keepFresh());
  }

  public void stop() {
    issuers.values().forEach(issuer -> issuer.keys().stopKeepingFresh());
  }

  /** Stopped, and its issuers' key sources closed: for an owner that made them for this verifier alone. */
  public void close() {
    issuers.values().forEach(issuer -> issuer.keys().close());
  }

  public Future<Principal> verify(String token) {
    return verify(BearerToken.of(token));
  }

  public Future<Principal> verify(BearerToken token) {
    var key = key(token);
    var known = verified.get(key);
    if (known != null) {
      var principal = known.principal();
      if (principal.expiresAt() > System.currentTimeMillis() / 1000) {
        return known.refused() ? Future.failedFuture(revoked()) : Future.succeededFuture(principal);
      }
      verified.remove(key);
    }
    var verifying = verifySignatureAndClaims(token.value());
    if (token.length() <= MAX_REMEMBERED_LENGTH) {
      verifying.onSuccess(signed -> remember(key, signed));
    }
    return verifying.map(Verified::principal);
  }

  /**
   * The principal of the token whose key is {@code key} ({@link #key}) if it was verified before and holds still (not
   * expired, not refused), else null: nothing is verified, for a caller that serves only what it knows at once and
   * leaves the rest to {@link #verify} (a token verified twice, once for nothing, doubled the cost of every token seen
   * first, or forged).
   */
  public Principal remembered(Key key) {
    var known = verified.get(key);
    return known != null && !known.refused() && known.principal().expiresAt() > System.currentTimeMillis() / 1000
        ? known.principal() : null;
  }

  /**
   * Refuses {@code token} from now on until it expires, as revoked, though its signature verifies: for an owner that
   * reads no revocation list and hears of a revocation when a service refuses the token. Marked where the token is
   * remembered, so a refused token costs no lookup besides the one every token makes, and no memory besides its
   * entry's; a token not remembered (too long, or dropped from a full memory) is not marked, and is verified as before.
   */
  public void refuse(BearerToken token) {
    verified.computeIfPresent(key(token), (remembered, known) -> new Verified(known.principal(), known.kid(), true));
  }

  /** 401 {@code invalid_token}, as a service answers a token on its revocation list. */
  static ApiException revoked() {
    return new RevokedToken("The token was revoked.");
  }

  /**
   * The tokens {@code issuer}'s keys {@code kids} verified are checked again when next seen (and refused), and the
   * keys' verifiers go, so that rotations do not pile them up.
   */
  private void forget(String issuer, Set<String> kids) {
    verified.values().removeIf(known -> kids.contains(known.kid()) && issuer.equals(known.principal().issuer()));
    kids.forEach(kid -> verifiersByKey.keySet().removeIf(key -> key.startsWith(verifierKeyPrefix(issuer, kid))));
  }

  /**
   * Full, the tokens past their expiry go first, then a quarter of the rest (the map's order, as good as any): until
   * session 18 a full map was emptied, so whoever minted enough tokens made every client's be checked again.
   */
  private void remember(Key key, Verified signed) {
    if (verified.size() >= maxRemembered) {
      var now = System.currentTimeMillis() / 1000;
      verified.values().removeIf(known -> known.principal().expiresAt() <= now);
      var surplus = verified.size() - maxRemembered * 3 / 4;
      var some = verified.keySet().iterator();
      for (int i = 0; i < surplus && some.hasNext(); i++) {
        some.next();
        some.remove();
      }
    }
    verified.put(key, signed);
  }

  /** How many keys have a verifier; for tests. */
  int verifiers() {
    return verifiersByKey.size();
  }

  /** How many verified tokens are remembered; for tests. */
  int remembered() {
    return verified.size();
  }

  /**
   * The key {@code token} is remembered by, the first 128 bits of its SHA-256: finding another token with the same key
   * is a second preimage, out of reach. Computed for every request at every hop, so the digest and a buffer are kept
   * per thread, a token's ASCII characters (all of a real token's) are hashed from that buffer straight out of its
   * header instead of a new byte array, and the key is two longs, not an encoded string.
   */
  public static Key key(BearerToken token) {
    var sha256 = SHA_256.get();
    var ascii = ASCII.get();
    if (asciiInto(token, ascii)) {
      sha256.update(ascii, 0, token.length());
    } else {
      sha256.update(token.value().getBytes(StandardCharsets.UTF_8));
    }
    var bytes = ByteBuffer.wrap(sha256.digest());
    return new Key(bytes.getLong(), bytes.getLong());
  }

  /** Whether {@code token} fits {@code buffer} as ASCII, copied into it if so. */
  private static boolean asciiInto(BearerToken token, byte[] buffer) {
    if (token.length() > buffer.length) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c > 0x7f) {
        return false;
      }
      buffer[i] = (byte) c;
    }
    return true;
  }

  private static final ThreadLocal<byte[]> ASCII = ThreadLocal.withInitial(() -> new byte[4096]);

  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  /** What a token is remembered by ({@link #key}): kept by a caller that meets one token again and again. */
  public record Key(long high, long low) {
  }

  /**
   * A verified token: who it speaks for, the key of its issuer that signed it, and whether it is {@link #refuse}d
   * since.
   */
  private record Verified(Principal principal, String kid, boolean refused) {
  }

  private Future<Verified> verifySignatureAndClaims(String token) {
    final JsonObject header;
    final JsonObject claims;
    try {
      var parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        return reject("the token is not a signed JWT");
      }
      header = decode(parts[0]);
      claims = decode(parts[1]);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return reject("the token is malformed");
    }
    var alg = header.getValue("alg");
    if (!(alg instanceof String a) || !ALLOWED_ALGORITHMS.contains(a)) {
      return reject("the token's algorithm is not accepted");
    }
    if (header.fieldNames().stream().anyMatch(FORBIDDEN_HEADERS::contains)) {
      return reject("the token carries key material in its header");
    }
    if (!(header.getValue("kid") instanceof String kid)) {
      return reject("the token names no key");
    }
    if (!(claims.getValue("exp") instanceof Number exp) || !(claims.getValue("sub") instanceof String)) {
      return reject("the token lacks exp or sub");
    }
    var issuer = claims.getValue("iss") instanceof String iss ? issuers.get(iss) : null;
    if (issuer == null) {
      return reject("the token's issuer is not trusted");
    }
    long now = System.currentTimeMillis() / 1000;
    if (exp.longValue() <= now) {
      // before the signature check, whose library applies the leeway to exp as well
      return reject("the token has expired");
    }
    if (claims.getValue("iat") instanceof Number iat && iat.longValue() > now + LEEWAY_SECONDS) {
      return reject("the token was issued in the future");
    }
    if (outlivesItsIssuersTokens(issuer, claims.getValue("iat"), exp.longValue())) {
      return reject("the token lives longer than its issuer's tokens do");
    }
    return keyFor(issuer, kid)
        .compose(jwk -> {
          if (jwk == null || !alg.equals(algorithmOf(jwk))) {
            return reject("the token's key is unknown");
          }
          return authenticated(verifierFor(issuer, jwk.copy().put("alg", alg)), token)
              .recover(err -> reject("the token's signature or claims are invalid"))
              .map(user -> new Verified(Principal.fromClaims(claims), kid, false));
        });
  }

  /**
   * Whether a token issued at {@code iat} (none said: null) lives longer than {@code issuer}'s tokens do, with the
   * leeway. Until session 35 a token of the platform's issuer might say it expired in the year 3000: forged with a key
   * that leaked, and remembered, it was taken until then (org-service's own keys told of none withdrawn).
   */
  private static boolean outlivesItsIssuersTokens(TrustedIssuer issuer, Object iat, long exp) {
    if (issuer.longestLifetimeSeconds() == TrustedIssuer.ANY_LIFETIME) {
      return false;
    }
    // exp is in the future and the lifetime positive: no overflow
    return !(iat instanceof Number issued
        && issued.longValue() >= exp - issuer.longestLifetimeSeconds() - LEEWAY_SECONDS);
  }

  /**
   * vertx-auth-jwt's check of a token, failed rather than thrown: it casts the claims it checks as it reads them, so a
   * validly signed token with {@code "aud": 42} or {@code "nbf": "x"} threw a ClassCastException past the future
   * (a 500 with a stack trace, where it is an invalid token).
   */
  private static Future<User> authenticated(JWTAuth verifier, String token) {
    try {
      return verifier.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The algorithm a key signs with: its {@code alg}, or, as RFC 7517 makes {@code alg} optional and some providers'
   * key sets leave it out, the one accepted here that its type implies (RSA: RS256, EC P-256: ES256, OKP Ed25519:
   * EdDSA); such keys were refused before, and every token of their issuer with them.
   */
  static String algorithmOf(JsonObject jwk) {
    if (jwk.getValue("alg") != null) {
      return jwk.getValue("alg") instanceof String alg ? alg : null;
    }
    var kty = String.valueOf(jwk.getValue("kty"));
    var crv = String.valueOf(jwk.getValue("crv"));
    return switch (kty) {
      case "RSA" -> "RS256";
      case "EC" -> crv.equals("P-256") ? "ES256" : null;
      case "OKP" -> crv.equals("Ed25519") ? "EdDSA" : null;
      default -> null;
    };
  }

  /**
   * The issuer's key {@code kid}, null for one it does not have; 503 {@code key_source_unavailable} when its keys
   * cannot be fetched (the token may be good: the caller should retry, not sign in again), which was a 500 and an
   * ERROR in the log.
   */
  private Future<JsonObject> keyFor(TrustedIssuer issuer, String kid) {
    return issuer.keys().keys().compose(keys -> {
      var found = find(keys, kid);
      return found != null ? Future.succeededFuture(found) : issuer.keys().refresh().map(fresh -> find(fresh, kid));
    }).recover(unfetched -> Future.failedFuture(new ApiException(503, "key_source_unavailable",
        "The signing keys of the token's issuer cannot be fetched now; retry shortly.")));
  }

  private static JsonObject find(List<JsonObject> keys, String kid) {
    return keys.stream().filter(k -> kid.equals(k.getString("kid"))).findFirst().orElse(null);
  }

  /** A key's verifiers are filed under its issuer and kid, then the whole key (a kid may be reused for another). */
  private static String verifierKeyPrefix(String issuer, String kid) {
    return issuer + "\u0000" + kid + "\u0000";
  }

  private JWTAuth verifierFor(TrustedIssuer issuer, JsonObject jwk) {
    var cacheKey = verifierKeyPrefix(issuer.issuer(), jwk.getString("kid")) + jwk.encode();
    return verifiersByKey.computeIfAbsent(cacheKey, k -> JWTAuth.create(vertx, new JWTAuthOptions()
        .addJwk(jwk)
        .setJWTOptions(new JWTOptions()
            .setIssuer(issuer.issuer())
            .setAudience(issuer.audiences())
            .setLeeway(LEEWAY_SECONDS))));
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static <T> Future<T> reject(String why) {
    return Future.failedFuture(ApiException.unauthorized("Invalid token: " + why + "."));
  }
}
