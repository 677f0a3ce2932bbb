package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.invitation.DepartedInvitees;
import dev.orgplane.org.mail.MailOutbox;
import dev.orgplane.org.user.OwnAccountAccess;
import dev.orgplane.org.user.User;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/**
 * A new address for an account. Asked for with the password (the address is how the account is recovered, so a
 * token alone must not move it); the new address is mailed a token, the old one a notice, and the change happens
 * when the token comes back: the new address is then the account's, verified, any token mailed to the old one
 * (to reset the password, to verify it) is void, and the old one's pending invitations to the organizations the
 * account is in are withdrawn ({@link DepartedInvitees}). Until then the account keeps its address.
 */
public final class EmailChangeRoutes {

  static final MailedTokens TOKENS = new MailedTokens("org.email_changes", "opc_", 86_400, "new_email");

  private final Pool pool;
  private final PasswordConfirmation passwords;
  private final String publicUrl;

  public EmailChangeRoutes(Pool pool, PasswordHasher hasher, String publicUrl) {
    this.pool = pool;
    this.passwords = new PasswordConfirmation(pool, hasher);
    this.publicUrl = publicUrl;
  }

  /** The confirmation needs no bearer token (it comes from the mail); asking for the change does. */
  public void mountOpen(Router router) {
    QueryParameters.NONE.on(router.post("/v1/auth/email-changes/confirm")).handler(this::confirm);
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.put("/v1/users/me/email")).handler(this::request);
  }

  /** With the caller's own token ({@link OwnAccountAccess}) and their password. */
  private void request(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("email", "password"));
    var email = body.email("email", true);
    var password = body.requiredString("password", 1024);
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        // the account's own address is no secret to its token: refused before a hash is spent on the password
        .compose(allowed -> passwords.confirm(ctx, userId, password,
            user -> Holder.of(pool, userId, email).compose(Holder::refuseOwn)))
        // still the password, and the session, once the row is held: a reset or a sign-out everywhere committed
        // meanwhile voided pending changes, and one made after it must not outlive it
        .compose(confirmed -> pool.withTransaction(tx -> confirmed.stillHolds(tx)
                .compose(held -> UserRepository.byId(tx, userId))
                .compose(found -> mailChange(tx, found.get(), email)))
            .compose(sent -> sent ? Future.<Void>succeededFuture()
                : TOKENS.limitReached(ctx, pool, userId, email, "email_change_mail_limit")))
        .onSuccess(v -> ctx.response().setStatusCode(202).end())
        .onFailure(ctx::fail);
  }

  /**
   * Mails a token to move {@code user} to {@code email}, and a notice to its address; false when the hour's mails went.
   * {@code user} is the account as it is with its row held: a change confirmed while the password was checked moved it,
   * and the address it moved to is the one to compare with and to tell, not the one it left.
   */
  private Future<Boolean> mailChange(SqlConnection tx, User user, String email) {
    return Holder.of(tx, user.id(), email)
        .compose(holder -> holder.refuseOwn().compose(own -> holder.refuseTaken()))
        .compose(free -> TOKENS.issue(tx, user.id(), email))
        .compose(token -> token.isEmpty() ? Future.succeededFuture(false)
            : mail(tx, user, email, token.get()).map(true));
  }

  private Future<Void> mail(SqlConnection tx, User user, String newEmail, String token) {
    return MailOutbox.enqueue(tx, newEmail, "Confirm your new Orgplane email address",
            "To make this the address of your Orgplane account, send this token to POST " + publicUrl
            + "/v1/auth/email-changes/confirm within a day ({\"token\": ...}):\n\n" + token
            + "\n\nIf you did not ask for this, ignore this mail: nothing changes.")
        .compose(v -> MailOutbox.enqueue(tx, user.email(), "Your Orgplane email address is being changed",
            "Someone signed in to your Orgplane account with its password and asked to move it to " + newEmail
            + ". It moves once that address confirms. If that was not you, choose a new password now: POST "
            + publicUrl + "/v1/auth/password-resets."));
  }

  /**
   * The token is used up in the transaction that moves the address: it works once. Redeeming it locks the account's
   * row first, the order an acceptance and an account's deletion take the account and its invitations in.
   */
  private void confirm(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("token"));
    var token = body.requiredString("token", 256);
    body.validate();
    pool.withTransaction(tx -> TOKENS.redeem(tx, token).compose(used -> {
          if (used.isEmpty()) {
            return Future.failedFuture(ApiException.badRequest("invalid_email_change_token",
                "The token is unknown, used or more than a day old; ask for the change again."));
          }
          var userId = used.get().userId();
          var email = used.get().detail();
          return Holder.of(tx, userId, email).compose(Holder::refuseTaken)
              .compose(free -> DepartedInvitees.withdrawInvitationsOfFormerAddress(tx, ctx, userId))
              .compose(withdrawn -> tx.preparedQuery("WITH moved AS (UPDATE org.users SET email = $2, email_verified_at = "
                      + "now(), updated_at = now() WHERE id = $1), other_changes AS (DELETE FROM org.email_changes "
                      + "WHERE user_id = $1), verifications AS (DELETE FROM org.email_verifications WHERE user_id = $1) "
                      + "DELETE FROM org.password_resets WHERE user_id = $1")
                  .execute(Tuple.of(userId, email)))
              .<Void>mapEmpty();
        }))
        // taken between the check and the change: the unique index says so, as the check would have
        .recover(failure -> Future.failedFuture(failure instanceof PgException pg
            && "users_email_key".equals(pg.getConstraint()) ? emailTaken() : failure))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static ApiException emailTaken() {
    return ApiException.conflict("email_taken", "An account with this email exists.");
  }

  /**
   * Who holds an address, told as accounts are matched: {@code lower()} in the database, as its unique index. Until
   * session 48 Java's case folding told the account's own, which takes a dotless ı for an I where {@code lower()} keeps
   * them apart, so an address another account held was refused as the account's own.
   */
  private enum Holder {
    NO_ONE, THE_ACCOUNT, ANOTHER_ACCOUNT;

    static Future<Holder> of(SqlClient client, UUID userId, String email) {
      return client.preparedQuery("SELECT id = $2 AS own FROM org.users WHERE lower(email) = lower($1)")
          .execute(Tuple.of(email, userId))
          .map(rows -> rows.size() == 0 ? NO_ONE : rows.iterator().next().getBoolean("own") ? THE_ACCOUNT
              : ANOTHER_ACCOUNT);
    }

    Future<Void> refuseOwn() {
      return this == THE_ACCOUNT
          ? Future.failedFuture(ApiException.conflict("email_unchanged", "That is the account's address already."))
          : Future.succeededFuture();
    }

    /** Told to the account's password only: before it is checked, whose an address is stays unsaid. */
    Future<Void> refuseTaken() {
      return this == ANOTHER_ACCOUNT ? Future.failedFuture(emailTaken()) : Future.succeededFuture();
    }
  }

  /** Drops tokens an hour past their expiry; every hour. Answers the timer, to cancel at stop. */
  public static long purgeExpired(Vertx vertx, Pool pool) {
    return TOKENS.purgeExpired(vertx, pool, "expired email changes");
  }
}
