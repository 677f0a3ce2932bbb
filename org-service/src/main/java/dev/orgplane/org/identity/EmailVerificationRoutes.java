package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.mail.MailOutbox;
import dev.orgplane.org.user.OwnAccountAccess;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * Verified addresses. Anyone can register any address, and invitations are addressed to one, so only its verified
 * owner may see and answer them. Registering mails a token good for a day; sending it back verifies the address, as
 * does choosing a password by mail. A signed-in user may ask for another (at most
 * {@value MailedTokens#MAILS_PER_HOUR} an hour).
 */
public final class EmailVerificationRoutes {

  static final MailedTokens TOKENS = new MailedTokens("org.email_verifications", "opv_", 86_400);

  private final Pool pool;
  private final String publicUrl;

  public EmailVerificationRoutes(Pool pool, String publicUrl) {
    this.pool = pool;
    this.publicUrl = publicUrl;
  }

  /** The confirmation needs no bearer token (it comes from the mail); asking for a mail does. */
  public void mountOpen(Router router) {
    QueryParameters.NONE.on(router.post("/v1/auth/email-verifications/confirm")).handler(this::confirm);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.post("/v1/users/me/email-verifications")).handler(this::request);
  }

  /** Queues the mail with a new token for {@code user}'s address in {@code tx}; nothing past the hour's limit. */
  Future<Boolean> mailToken(SqlClient tx, User user) {
    return TOKENS.issue(tx, user.id(), user.email()).compose(token -> token.isEmpty() ? Future.succeededFuture(false)
        : MailOutbox.enqueue(tx, user.email(), "Verify your Orgplane email address",
            "To verify that this address is yours, send this token to POST " + publicUrl
            + "/v1/auth/email-verifications/confirm within a day ({\"token\": ...}):\n\n" + token.get()
            + "\n\nOnly a verified address sees the invitations sent to it. If you did not register at Orgplane, "
            + "ignore this mail.").map(true));
  }

  /** The mail reached the address's owner: verified from now on (the first time counts). */
  static Future<Void> markVerified(SqlClient tx, UUID userId) {
    return tx.preparedQuery("UPDATE org.users SET email_verified_at = now() WHERE id = $1 AND email_verified_at IS NULL")
        .execute(Tuple.of(userId)).mapEmpty();
  }

  /** Another mail to the caller's address, with their own token ({@link OwnAccountAccess}). */
  private void request(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        .compose(allowed -> pool.withTransaction(tx -> UserRepository.byId(tx, userId).compose(found -> {
          var user = found.orElseThrow(RevokedToken::userGone);
          if (user.email() == null) {
            throw ApiException.forbidden("no_email", "Service users have no email address.");
          }
          if (user.emailVerified()) {
            throw ApiException.conflict("email_already_verified", "This account's address is verified already.");
          }
          return mailToken(tx, user).compose(sent -> sent ? Replies.keep(tx, ctx, Reply.of(202, null))
              : TOKENS.limitReached(ctx, tx, userId, user.email(), "verification_mail_limit"));
        })))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** The token is used up in the transaction that verifies: it works once. */
  private void confirm(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("token"));
    var token = body.requiredString("token", 256);
    body.validate();
    pool.withTransaction(tx -> TOKENS.redeem(tx, token).compose(used -> used.isPresent()
            ? markVerified(tx, used.get().userId())
            : Future.failedFuture(ApiException.badRequest("invalid_verification_token",
                "The token is unknown, used or more than a day old; ask for a new one."))))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** Drops tokens an hour past their expiry; every hour. Answers the timer, to cancel at stop. */
  public static long purgeExpired(Vertx vertx, Pool pool) {
    return TOKENS.purgeExpired(vertx, pool, "expired email verifications");
  }
}
