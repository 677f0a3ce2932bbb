package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.mail.MailOutbox;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A password chosen by mail: a forgotten one, and the first of an account an admin made (which has none until
 * then). A request mails a one-time token, good for an hour, to the account's address; the token and a new
 * password set it, verify the address (the mail reached its owner) and end the sessions before it: tokens issued
 * before that second are refused ({@link TokenRevocations}). The request is answered alike whether the address has an
 * account or not, and at most {@value MailedTokens#MAILS_PER_HOUR} mails an hour go to one account, whoever asks.
 */
public final class PasswordResetRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(PasswordResetRoutes.class);
  static final MailedTokens TOKENS = new MailedTokens("org.password_resets", "opr_", 3600);

  private final Pool pool;
  private final PasswordHasher hasher;
  private final TokenRevocations revocations;
  private final String publicUrl;

  public PasswordResetRoutes(Pool pool, PasswordHasher hasher, TokenRevocations revocations, String publicUrl) {
    this.pool = pool;
    this.hasher = hasher;
    this.revocations = revocations;
    this.publicUrl = publicUrl;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/auth/password-resets")).handler(this::request);
    QueryParameters.NONE.on(router.post("/v1/auth/password-resets/confirm")).handler(this::confirm);
  }

  private void request(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("email"));
    var email = body.email("email", true);
    body.validate();
    // answered before the address is even looked up: how long the answer takes must not tell whether it has an
    // account (a failure from here on is the mail's loss, logged, as a failed delivery would be)
    ctx.response().setStatusCode(202).end();
    mailToken(email).onFailure(e -> LOG.warn("A password reset mail could not be queued: {}", e.toString()));
  }

  /**
   * The account is found by its address under its row's lock: one moving to another address meanwhile is not sent a
   * token at the address it left (which moving voids the tokens of).
   */
  private Future<Void> mailToken(String email) {
    return pool.withTransaction(tx -> UserRepository.byEmail(tx, email, true)
        .compose(user -> user.isEmpty() ? Future.<Void>succeededFuture()
            : TOKENS.issue(tx, user.get().id(), user.get().email())
            .compose(token -> token.isEmpty() ? Future.succeededFuture()
                : MailOutbox.enqueue(tx, user.get().email(), "Choose your Orgplane password",
                    "Someone asked to choose a new password for the Orgplane account of this address. To choose "
                    + "one, send this token with it to POST " + publicUrl + "/v1/auth/password-resets/confirm "
                    + "within an hour ({\"token\": ..., \"password\": ...}):\n\n" + token.get()
                    + "\n\nIf that was not you, ignore this mail: your password stays as it is."))));
  }

  private record SessionEnd(String userId, long second) {
  }

  /**
   * The token is used up in the transaction that sets the password: it works once, even when sent twice at once. The
   * new password is hashed only for a token that looks usable: an unknown one costs a lookup, not a bcrypt.
   */
  private void confirm(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("token", "password"));
    var token = body.requiredString("token", 256);
    var password = IdentityRoutes.newPassword(body, "password");
    body.validate();
    TOKENS.usable(pool, token)
        .compose(usable -> usable ? hasher.hash(password) : Future.failedFuture(invalidToken()))
        .compose(hash -> pool.withTransaction(tx -> TOKENS.redeem(tx, token)
            .compose(used -> {
              if (used.isEmpty()) {
                return Future.failedFuture(invalidToken());
              }
              var userId = used.get().userId();
              return PasswordChange.apply(tx, userId, hash)
                  .compose(second -> EmailVerificationRoutes.markVerified(tx, userId)
                      .map(new SessionEnd(userId.toString(), second)));
            })))
        .onSuccess(ended -> {
          revocations.markEnded(ended.userId(), ended.second());
          ctx.response().setStatusCode(204).end();
        })
        .onFailure(ctx::fail);
  }

  private static ApiException invalidToken() {
    return ApiException.badRequest("invalid_reset_token",
        "The token is unknown, used or more than an hour old; ask for a new one.");
  }

  /** Drops tokens an hour past their expiry; every hour. Answers the timer, to cancel at stop. */
  public static long purgeExpired(Vertx vertx, Pool pool) {
    return TOKENS.purgeExpired(vertx, pool, "expired password resets");
  }
}
