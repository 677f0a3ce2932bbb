package dev.orgplane.gateway.auth;

import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.Sha256;
import dev.orgplane.kit.auth.TokenExchange;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens of the external identity providers the gateway trusts, exchanged at org-service for the platform's own
 * (RFC 8693 token exchange, an access token alone): the services behind the door take only org-service's tokens, so
 * the request goes on with one. Each provider token is exchanged once and its answer kept until the earlier of the
 * two expiries, or until a service refuses it ({@link #refused}); a refusal of the exchange (a token naming no
 * verified address, say) is kept for a few seconds, so a client retrying it does not become a storm of exchanges.
 * org-service failing or shedding load is not a refusal: the caller hears 503 and nothing is kept, so the next request
 * tries again (answered 401 and kept, a good token read as a bad one for ten seconds). Kept by the provider token's
 * SHA-256, never the token itself (until session 18 the tokens were the keys: a heap dump held them). One per gateway
 * instance (one event loop): no locking.
 */
public final class ExternalTokens {

  private static final long REFUSAL_KEPT_MILLIS = 10_000;
  /** Kept answers end this much before their token does: a request must not leave with one about to expire. */
  private static final long EXPIRY_MARGIN_MILLIS = 30_000;
  private static final int MAX_KEPT = 10_000;

  private record Exchanged(Future<String> token, long keptUntilMillis) {
  }

  private final WebClient client;
  private final String tokenUrl;
  private final String ownIssuer;
  private final Map<String, Exchanged> kept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Exchanged> eldest) {
      return size() > MAX_KEPT;
    }
  };

  public ExternalTokens(WebClient client, String orgServiceUrl, String ownIssuer) {
    this.client = client;
    this.tokenUrl = orgServiceUrl + "/v1/auth/token";
    this.ownIssuer = ownIssuer;
  }

  /** Whether {@code principal}'s token is a provider's, to be exchanged before it goes on. */
  public boolean isExternal(Principal principal) {
    return !ownIssuer.equals(principal.issuer());
  }

  /**
   * The platform's token standing for {@code token}, verified as {@code principal}'s, for the request of id
   * {@code requestId}: an exchange it causes carries the id on, and the requests that share that exchange meanwhile
   * find it in org-service's log under the first one's.
   */
  public Future<String> ours(BearerToken token, Principal principal, String requestId) {
    var value = token.value();
    var key = Sha256.hex(value);
    var now = System.currentTimeMillis();
    var known = kept.get(key);
    if (known != null && known.keptUntilMillis() > now) {
      return known.token();
    }
    var exchanged = exchange(value, requestId);
    var answer = exchanged.map(body -> body.getString("access_token"));
    // kept at once: requests with the same token arriving meanwhile share the one exchange
    kept.put(key, new Exchanged(answer, Long.MAX_VALUE));
    exchanged.onComplete(done -> {
      if (done.failed() && unavailable(done.cause())) {
        kept.remove(key);
      } else {
        kept.put(key, new Exchanged(answer, done.succeeded()
            ? Math.min(principal.expiresAt() * 1000, now + done.result().getLong("expires_in", 0L) * 1000)
                - EXPIRY_MARGIN_MILLIS
            : now + REFUSAL_KEPT_MILLIS));
      }
    });
    return answer;
  }

  /**
   * Forgets that {@code ours} stands for {@code token}: a service refused it as revoked (401 marked
   * {@link dev.orgplane.kit.auth.RevokedToken#HEADER}) since the exchange (a password change, a sign-out everywhere)
   * while the provider's token lives on. Kept, it was refused until the provider's token expired; forgotten, the next
   * request exchanges again, and org-service decides anew. An answer exchanged again meanwhile stays.
   */
  public void refused(BearerToken token, String ours) {
    var key = Sha256.hex(token.value());
    var known = kept.get(key);
    if (known != null && ours.equals(known.token().result())) {
      kept.remove(key);
    }
  }

  private static boolean unavailable(Throwable failure) {
    return failure instanceof ApiException refused && refused.status() == 503;
  }

  private static ApiException orgServiceUnavailable(String why) {
    return new ApiException(503, "org_service_unavailable",
        "The identity provider's token could not be exchanged: org-service " + why + ". Try again shortly.");
  }

  private Future<JsonObject> exchange(String providerToken, String requestId) {
    return RequestIds.passedOn(client.postAbs(tokenUrl), requestId).timeout(5_000)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", TokenExchange.GRANT)
            .add("subject_token", providerToken).add("subject_token_type", TokenExchange.JWT)
            .add("requested_token_type", TokenExchange.ACCESS_TOKEN))
        .recover(unreachable -> Future.failedFuture(orgServiceUnavailable("did not answer")))
        .map(response -> {
          if (response.statusCode() >= 500 || response.statusCode() == 429) {
            throw orgServiceUnavailable("answered " + response.statusCode());
          }
          var body = response.bodyAsJsonObject();
          if (response.statusCode() != 200 || body == null || body.getString("access_token") == null) {
            var why = body == null ? "" : " " + body.getString("detail", "");
            throw ApiException.unauthorized("The identity provider's token could not be exchanged for the "
                + "platform's." + why);
          }
          return body;
        });
  }
}
