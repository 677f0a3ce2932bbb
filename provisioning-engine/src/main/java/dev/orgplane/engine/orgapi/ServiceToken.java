package dev.orgplane.engine.orgapi;

import dev.orgplane.kit.auth.ClientSecretBasic;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Function;

/**
 * The engine's own access token, from org-service's {@code client_credentials} grant. It is reused
 * until a minute before it expires, and fetched anew when org-service refuses it (a rotated key).
 * Used from the engine verticle's event loop only, so plain fields suffice.
 */
public final class ServiceToken {

  private final WebClient client;
  private final String tokenUrl;
  private final ClientSecretBasic credentials;
  private Future<String> token;
  private long expiresAtMillis;

  public ServiceToken(WebClient client, String orgServiceUrl, String clientId, String secret) {
    this.client = client;
    this.tokenUrl = orgServiceUrl + "/v1/auth/token";
    this.credentials = new ClientSecretBasic(clientId, secret);
  }

  public Future<String> get() {
    var fresh = token != null && !token.failed() && (!token.isComplete() || System.currentTimeMillis() < expiresAtMillis);
    if (!fresh) {
      token = fetch();
    }
    return token;
  }

  /**
   * Sends {@code request} with the token; once more with a new token if org-service refuses it (401): a key
   * rotated or the engine's sessions ended since it was fetched.
   */
  public Future<HttpResponse<Buffer>> authorized(Function<String, Future<HttpResponse<Buffer>>> request) {
    return get().compose(bearer -> request.apply(bearer).compose(response -> {
      if (response.statusCode() != 401) {
        return Future.succeededFuture(response);
      }
      reject(bearer);
      return get().compose(request);
    }));
  }

  /** Forgets {@code rejected} so that the next {@link #get()} fetches a new token. */
  private void reject(String rejected) {
    if (token != null && token.succeeded() && token.result().equals(rejected)) {
      token = null;
    }
  }

  private Future<String> fetch() {
    // not basicAuthentication(): it leaves out RFC 6749's form-encoding, which org-service decodes
    return client.postAbs(tokenUrl).putHeader("Authorization", credentials.header())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
        .map(response -> {
          var body = OrgAnswers.body(response);
          expiresAtMillis = System.currentTimeMillis() + Math.max(0, body.getLong("expires_in", 0L) - 60) * 1000;
          return body.getString("access_token");
        });
  }
}
