package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.group.GroupAdmins;
import dev.orgplane.org.invitation.DepartedInvitees;
import dev.orgplane.org.serviceuser.CredentialReach;
import dev.orgplane.org.team.Teams;
import dev.orgplane.org.user.OwnAccountAccess;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The end of a person's account: by its owner, with their password (it cannot be undone, so a token alone does not
 * do), or by a platform admin. They leave every organization and team (each organization's audit trail and hooks
 * hear {@code member.removed}) and their invitations to those organizations are withdrawn, they are no longer admin of
 * any group (each audited as revoked), every session ends at every service, and the address is free to register again.
 * Refused while they are the last owner of an organization (it would be left without one: hand it over or delete
 * it first) or the last platform admin. Service users go with their organization's service-user API.
 */
public final class AccountDeletionRoutes {

  private static final int NAMED_ORGANIZATIONS = 20;
  /** The platform admins, if the account {@code $1} is one of them; else none. */
  private static final String ADMINS_IF_ADMIN =
      "(platform_admin AND (SELECT a.platform_admin FROM org.users a WHERE a.id = $1))";

  private final Pool pool;
  private final PasswordConfirmation passwords;
  private final TokenRevocations revocations;

  public AccountDeletionRoutes(Pool pool, PasswordHasher hasher, TokenRevocations revocations) {
    this.pool = pool;
    this.passwords = new PasswordConfirmation(pool, hasher);
    this.revocations = revocations;
  }

  /** Before any other {@code /v1/users/:uid} route, so that {@code me} is not taken for an id. */
  public void mount(Router router) {
    QueryParameters.NONE.on(router.delete("/v1/users/me")).handler(this::deleteOwn);
    QueryParameters.NONE.on(router.delete("/v1/users/:uid")).handler(this::deleteOther);
  }

  /**
   * With the person's own token ({@link OwnAccountAccess}) and their password. The last owner is refused before the
   * password is hashed, whatever password came: the token alone learns as much (it lists the account's organizations
   * and roles, and leaving one it is the last owner of, disabled or not, is refused 409 {@code last_owner} too), and a
   * refusal known without the password must not hold one of the hashing threads the service's sign-ins share. The
   * deletion's transaction checks again: another owner may have left meanwhile.
   */
  private void deleteOwn(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("password"));
    var password = body.requiredString("password", 1024);
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        .compose(allowed -> passwords.confirm(ctx, userId, password, user -> refuseIfLastOwner(pool, userId)))
        .compose(confirmed -> delete(ctx, userId, userId.toString(), confirmed::stillHolds))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void deleteOther(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    AccessPolicy.caller(pool, principal)
        .compose(caller -> caller.platformAdmin() ? UserRepository.isPerson(pool, userId)
            : Future.failedFuture(ApiException.forbidden("forbidden", "Only platform admins delete other accounts.")))
        .compose(person -> person ? delete(ctx, userId, principal.subject(), tx -> Future.succeededFuture())
            : Future.failedFuture(ApiException.notFound("user_not_found", "No such person.")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** {@code stillAllowed}: what must still hold once the account's row is held (the owner's password, asked before). */
  private Future<Void> delete(RoutingContext ctx, UUID userId, String actor,
      Function<SqlConnection, Future<Void>> stillAllowed) {
    return pool.withTransaction(tx -> lockTheirOrganizations(tx, userId)
            .compose(v -> stillAllowed.apply(tx))
            .compose(v -> refuseIfLastOwner(tx, userId))
            .compose(v -> refuseIfLastPlatformAdmin(tx, userId))
            .compose(v -> AuditLog.recordInOrganizationsOf(tx, ctx, userId, actor, "member.removed", "user:" + userId,
                new JsonObject().put("reason", "account_deleted")))
            .compose(v -> DepartedInvitees.withdrawInvitationsOfAccount(tx, ctx, userId, actor))
            .compose(v -> Teams.leaveAllOfAccount(tx, ctx, userId, actor))
            .compose(v -> GroupAdmins.revokeAllOfAccount(tx, ctx, userId, actor))
            .compose(v -> CredentialReach.revokeAllMadeBy(tx, ctx, revocations, userId))
            .compose(v -> SessionEnds.next(tx, userId))
            .compose(end -> deleteAccount(tx, userId, end)))
        .map(end -> {
          if (end != null) {
            revocations.markEnded(userId.toString(), end);
          }
          return null;
        });
  }

  /**
   * Deletes the account and lists it as deleted for the revocation list, whose sessions end at {@code end}: the
   * second after the deletion's by the clock tokens are stamped with ({@link SessionEnds}), taken after every wait of
   * the deletion's transaction. Stamped by the database's {@code now()} (its transaction's start, by another clock), a
   * token issued while the deletion waited for a lock, or by a clock ahead of the database's, outlived the account at
   * the services that read the list. {@code deleted_at} is the second before the end: the list reads a deletion's end
   * as the second after it ({@link StoredRevocations#read}). Answers the end; null if the account was gone already.
   */
  private static Future<Long> deleteAccount(SqlConnection tx, UUID userId, long end) {
    return tx.preparedQuery("WITH gone AS (DELETE FROM org.users WHERE id = $1 RETURNING id) "
            + "INSERT INTO org.deleted_accounts (user_id, deleted_at) SELECT id, to_timestamp($2) FROM gone "
            + "ON CONFLICT DO NOTHING RETURNING user_id")
        .execute(Tuple.of(userId, end - 1))
        .map(deleted -> deleted.size() > 0 ? end : null);
  }

  /**
   * Their organizations' rows, locked in id order: an owner removed or demoted meanwhile (which locks its
   * organization too) cannot leave one without an owner behind this check's back.
   */
  private static Future<Void> lockTheirOrganizations(SqlConnection tx, UUID userId) {
    // the account's own row first: a membership made meanwhile (an organization created for them, an invitation
    // accepted) waits on it for its foreign key and then fails, instead of joining an organization this check missed,
    // which the deletion then left without an owner. The platform admins' rows with it, in one statement by id, for
    // the last admin's check: users before organizations, as an acceptance locks them (until session 33 they came
    // after, and an admin accepting an invitation into one of the account's organizations deadlocked with this). The
    // admins' rows only FOR NO KEY UPDATE, which holds off another deletion's check but not a foreign key to them (an
    // admin's secret or membership made meanwhile in one of the account's organizations), and only when the account
    // is a platform admin, the one case the check is about: their sign-ins, which share their row, go on meanwhile.
    // Then the account's own row FOR UPDATE, still before any organization's.
    return tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1 OR " + ADMINS_IF_ADMIN
            + " ORDER BY id FOR NO KEY UPDATE")
        .execute(Tuple.of(userId))
        .compose(admins -> tx.preparedQuery("SELECT 1 FROM org.users WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(userId)))
        .compose(locked -> tx.preparedQuery("SELECT id FROM org.organizations WHERE id IN (SELECT org_id FROM org.memberships "
            + "WHERE user_id = $1) ORDER BY id FOR UPDATE").execute(Tuple.of(userId))).mapEmpty();
  }

  /**
   * Only people count as other owners, as when a member is removed: a service user cannot act as an owner. The refusal
   * says for each organization what frees the account: a disabled one takes no new owner and no deletion from its
   * members, so its owners enable it first, or, disabled by an operator, that operator does.
   */
  private static Future<Void> refuseIfLastOwner(SqlClient client, UUID userId) {
    return client.preparedQuery("SELECT o.name, o.disabled_by::text FROM org.memberships m "
            + "JOIN org.organizations o ON o.id = m.org_id "
            + "WHERE m.user_id = $1 AND 'owner' = ANY (m.roles) AND NOT EXISTS (SELECT 1 FROM org.memberships other "
            + "JOIN org.users person ON person.id = other.user_id AND person.service_org_id IS NULL "
            + "WHERE other.org_id = m.org_id AND other.user_id <> $1 AND 'owner' = ANY (other.roles)) "
            + "ORDER BY o.name LIMIT " + NAMED_ORGANIZATIONS)
        .execute(Tuple.of(userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          var names = new ArrayList<String>();
          var byAdvice = new LinkedHashMap<String, List<String>>();
          rows.forEach(row -> {
            names.add(row.getString("name"));
            byAdvice.computeIfAbsent(lastOwnerAdvice(row.getString("disabled_by")), advice -> new ArrayList<>())
                .add(row.getString("name"));
          });
          var detail = new StringBuilder("The account is the last owner of ").append(String.join(", ", names))
              .append(names.size() == NAMED_ORGANIZATIONS ? " and more." : ".");
          byAdvice.forEach((advice, named) -> detail.append(' ').append(String.join(", ", named)).append(": ")
              .append(advice).append('.'));
          return Future.failedFuture(ApiException.conflict("last_owner", detail.toString()));
        });
  }

  /** What frees the last owner of an organization that {@code disabledBy} disabled (null: it is enabled). */
  private static String lastOwnerAdvice(String disabledBy) {
    if (disabledBy == null) {
      return "give each another owner, or delete it, first";
    }
    return disabledBy.equals("organization")
        ? "disabled by its owners, who must enable it first, then give it another owner or delete it"
        : "disabled by an operator, its group's admin or a platform admin, who must enable it (or delete it) first: "
            + "its owners cannot";
  }

  /**
   * Every platform admin's row locked first when the account is one: two admins deleting each other at once cannot
   * both pass.
   */
  private static Future<Void> refuseIfLastPlatformAdmin(SqlConnection tx, UUID userId) {
    return tx.preparedQuery("SELECT count(*) = 1 AS last FROM "
            + "(SELECT id FROM org.users WHERE " + ADMINS_IF_ADMIN + " ORDER BY id FOR NO KEY UPDATE) admins")
        .execute(Tuple.of(userId))
        .compose(rows -> !rows.iterator().next().getBoolean("last") ? Future.succeededFuture()
            : Future.failedFuture(ApiException.conflict("last_platform_admin",
                "The account is the last platform admin; make another first.")));
  }
}
