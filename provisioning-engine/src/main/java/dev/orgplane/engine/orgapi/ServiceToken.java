package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.kit.auth.ClientSecretBasic;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's own access token, from org-service's {@code client_credentials} grant. It is reused
 * until a minute before it expires, and fetched anew when org-service refuses it (a rotated key).
 * Used from the engine verticle's event loop only, so plain fields suffice.
 *
 * <p>Whether org-service signs the engine in is the engine's state, not a job's: a token it cannot get fails as
 * {@link SignInRefused} (org-service refusing its credentials) or as the network failure it met, and the runner claims
 * no job meanwhile. The state is logged when it changes, not at every try.
 */
public final class ServiceToken {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceToken.class);

  /**
   * org-service refusing the engine's client id and secret (401 {@code invalid_client}): a rotated secret the engine
   * has not been given yet, or a wrong one. Not a job's failure: a job that meets it goes back to the queue.
   */
  public static final class SignInRefused extends RuntimeException {
    SignInRefused(OrgApiException refused) {
      super("org-service refuses the engine's client secret (ORGPLANE_ENGINE_CLIENT_SECRET): " + refused.getMessage(),
          refused);
    }
  }

  /** The outcome of the last sign-in, logged when it changes. */
  private enum SignIn { UNKNOWN, ACCEPTED, REFUSED, UNREACHABLE }

  private final WebClient client;
  private final String tokenUrl;
  private final ClientSecretBasic credentials;
  private Future<String> token;
  private long expiresAtMillis;
  private SignIn signIn = SignIn.UNKNOWN;
  /** What the last sign-in met, while it is {@link SignIn#REFUSED}. */
  private Throwable refusal;

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
   * Fails while the last sign-in was refused: the engine cannot do its work, and its readiness says so at once, where
   * the revoked tokens it no longer reads grow stale only after {@code ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS}.
   */
  public Future<Void> accepted() {
    return signIn == SignIn.REFUSED ? Future.failedFuture(refusal) : Future.succeededFuture();
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
        })
        .recover(failure -> Future.failedFuture(failure instanceof OrgApiException refused && refused.status() == 401
            ? new SignInRefused(refused) : failure))
        .andThen(this::signedIn);
  }

  private void signedIn(AsyncResult<String> fetched) {
    var now = fetched.succeeded() ? SignIn.ACCEPTED
        : fetched.cause() instanceof SignInRefused ? SignIn.REFUSED : SignIn.UNREACHABLE;
    // refused stays refused until a sign-in succeeds: org-service unreachable for a moment tells nothing of the secret,
    // and the engine's readiness flapped back to ready with it
    if (now == signIn || now == SignIn.UNREACHABLE && signIn == SignIn.REFUSED) {
      return;
    }
    var before = signIn;
    signIn = now;
    refusal = fetched.cause();
    switch (now) {
      case ACCEPTED -> {
        if (before != SignIn.UNKNOWN) {
          LOG.info("org-service signs the engine in again: it claims jobs again");
        }
      }
      case REFUSED -> LOG.error("{} The engine claims no jobs, and hands back those under way, until org-service "
          + "accepts its secret: give it the one org-service has", fetched.cause().getMessage());
      default -> LOG.warn("the engine could not sign in at org-service ({}): it claims no jobs until it can",
          fetched.cause().toString());
    }
  }
}
