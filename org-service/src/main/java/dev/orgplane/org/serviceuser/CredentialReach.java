package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.Holdings;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * No credential reaches more than its maker. Making one is ranked ({@link ServiceUserRoutes#manager}), but the service
 * user may later be raised (new roles, a custom role it holds widened) above the one who made it, or its maker lowered
 * (demoted, a custom role they hold narrowed, removed from the organization or leaving it, no longer a group admin),
 * whose credential then signed in with what they no longer held. A change of either calls {@link #revokeBeyondMakers}
 * or {@link #revokeBeyondMakersOf} in its transaction, after its writes: the live credentials it concerns, client and
 * federated, whose maker does not hold every permission their service user now holds are revoked, each audited in the
 * service user's organization with the reason {@value #REASON}. A maker whose account is going
 * ({@link #revokeAllMadeBy}), or who is no longer in the organization, holds nothing there.
 */
public final class CredentialReach {

  static final String REASON = "maker_outranked";

  /**
   * Each live credential, with its service user's organization: what its service user holds there, and what its
   * maker does (their roles there, and whether they administer it or are the engine). Which credentials, each use's
   * WHERE says.
   */
  private static final String LIVE = """
      SELECT c.federated, c.id, c.service_user_id, u.service_org_id, s.roles, %s AS permissions, %s
      FROM (SELECT false AS federated, client_id AS id, service_user_id, made_by FROM org.service_credentials
            WHERE revoked_at IS NULL
            UNION ALL
            SELECT true, id, service_user_id, made_by FROM org.federated_credentials WHERE removed_at IS NULL) c
      JOIN org.users u ON u.id = c.service_user_id
      JOIN org.memberships s ON s.org_id = u.service_org_id AND s.user_id = u.id
      LEFT JOIN org.users mu ON mu.id = c.made_by
      LEFT JOIN org.memberships mm ON mm.org_id = u.service_org_id AND mm.user_id = c.made_by
      """.formatted(Holdings.customPermissions("u.service_org_id", "s.roles"),
      Holdings.columns("maker", "u.service_org_id", "mu", "mm"));
  /**
   * Those of the organization {@code $1} whose service user or maker is among {@code $2}, or whose service user or
   * maker holds a role of {@code $3} there.
   */
  private static final String LIVE_IN_ORGANIZATION = LIVE + """
      WHERE u.service_org_id = $1 AND (u.id = ANY ($2) OR c.made_by = ANY ($2)
                                       OR s.roles && $3::text[] OR mm.roles && $3::text[])""";
  /** Those made by one of {@code $1}, in any organization. */
  private static final String LIVE_MADE_BY = LIVE + "WHERE c.made_by = ANY ($1)";
  /**
   * The organization's group row, held FOR SHARE before {@link #LIVE_IN_ORGANIZATION} reads the makers' rights: a
   * group admin's revocation holds it FOR UPDATE while it ranks their credentials against their service users' roles,
   * and a raise of a service user (holding only the organization's row) read the maker a group admin still, the
   * revocation read the service user not yet raised, and the credential outranked its maker. Now the later of the two
   * waits for the earlier and reads what it did. Organization, then group: the order every lock of both takes.
   */
  private static final String HOLD_GROUP = "SELECT 1 FROM org.organization_groups WHERE id = $1 FOR SHARE";
  private static final String REVOKE = "UPDATE org.service_credentials SET revoked_at = now() "
      + "WHERE client_id = ANY ($1) AND revoked_at IS NULL";
  private static final String REMOVE = "UPDATE org.federated_credentials SET removed_at = now() "
      + "WHERE id = ANY ($1) AND removed_at IS NULL";

  private CredentialReach() {
  }

  /** A live credential beyond its maker: which one, of which kind, of which service user, in which organization. */
  private record Outranked(boolean federated, UUID id, UUID serviceUserId, UUID orgId) {

    AuditLog.Event event() {
      var details = new JsonObject().put(federated ? "federatedCredentialId" : "clientId", id.toString())
          .put("reason", REASON);
      return new AuditLog.Event(federated ? "service_user.federated_credential_removed"
          : "service_user.credential_revoked", "service_user:" + serviceUserId, details);
    }
  }

  /**
   * Revokes the live credentials of the organization's service users among {@code userIds} or made by one of them,
   * or whose service user or maker holds one of {@code roles}, whose maker does not hold all their service user
   * holds; once the caller's transaction commits, this process refuses their tokens at once, as a revocation by hand
   * does (every other instance at its next reload).
   */
  public static Future<Void> revokeBeyondMakers(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      TokenRevocations revocations, Collection<UUID> userIds, Collection<String> roles) {
    if (userIds.isEmpty() && roles.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(HOLD_GROUP).execute(Tuple.of(access.organization().groupId()))
        .compose(held -> tx.preparedQuery(LIVE_IN_ORGANIZATION).execute(Tuple.tuple().addUUID(access.orgId())
            .addArrayOfUUID(userIds.toArray(new UUID[0])).addArrayOfString(roles.toArray(new String[0]))))
        .compose(rows -> revoke(tx, ctx, revocations, outranked(rows, false)));
  }

  /**
   * As {@link #revokeBeyondMakers}, for the credentials {@code makers} made in any organization: what a change of
   * rights beyond one organization calls (a group admin's revocation, over every organization of the group).
   */
  public static Future<Void> revokeBeyondMakersOf(SqlConnection tx, RoutingContext ctx, TokenRevocations revocations,
      Collection<UUID> makers) {
    return tx.preparedQuery(LIVE_MADE_BY).execute(Tuple.tuple().addArrayOfUUID(makers.toArray(new UUID[0])))
        .compose(rows -> revoke(tx, ctx, revocations, outranked(rows, false)));
  }

  /**
   * As {@link #revokeBeyondMakersOf}, for a change the operator makes at the command line (a group admin's
   * revocation): audited by {@link AuditLog#OPERATOR}, on no request. The command line serves no tokens, so no process
   * learns of them at once: every instance refuses their tokens at its next reload of the revocation list.
   */
  public static Future<Void> revokeBeyondMakersOfByOperator(SqlClient tx, Collection<UUID> makers) {
    return tx.preparedQuery(LIVE_MADE_BY).execute(Tuple.tuple().addArrayOfUUID(makers.toArray(new UUID[0])))
        .compose(rows -> revoke(tx, outranked(rows, false),
            (orgId, events) -> AuditLog.recordUnrequested(tx, orgId, AuditLog.OPERATOR, events)));
  }

  /**
   * Revokes every live credential the account {@code maker} made (but those of service users holding nothing), in
   * the transaction that deletes the account, before the account's row goes: its foreign key then forgets who made
   * them, and nothing would rank them again.
   */
  public static Future<Void> revokeAllMadeBy(SqlConnection tx, RoutingContext ctx, TokenRevocations revocations,
      UUID maker) {
    return tx.preparedQuery(LIVE_MADE_BY).execute(Tuple.tuple().addArrayOfUUID(new UUID[] {maker}))
        .compose(rows -> revoke(tx, ctx, revocations, outranked(rows, true)));
  }

  /**
   * As {@link #revokeAllMadeBy}, the account staying but no longer in the hands that made them: an unverified
   * registration that an external sign-in of its address takes over (its registrant, shut out, kept the secrets of
   * the service users they made in the organizations the account holds). Audited by {@link AuditLog#PLATFORM}, on no
   * request; once the caller's transaction commits, this process refuses their tokens at once.
   */
  public static Future<Void> revokeAllMadeByUnrequested(SqlConnection tx, TokenRevocations revocations, UUID maker) {
    return tx.preparedQuery(LIVE_MADE_BY).execute(Tuple.tuple().addArrayOfUUID(new UUID[] {maker}))
        .compose(rows -> revoke(tx, revocations, outranked(rows, true),
            (orgId, events) -> AuditLog.recordUnrequested(tx, orgId, AuditLog.PLATFORM, events)));
  }

  /** The credentials of {@code rows} beyond their makers; {@code makersGone}: the makers hold nothing any more. */
  private static List<Outranked> outranked(RowSet<Row> rows, boolean makersGone) {
    var outranked = new ArrayList<Outranked>();
    rows.forEach(row -> {
      var makerHolds = makersGone ? Set.<String>of() : makerHolds(row);
      if (!makerHolds.containsAll(AccessPolicy.permissions(row.getArrayOfStrings("roles"),
          row.getArrayOfStrings("permissions"), false))) {
        outranked.add(new Outranked(row.getBoolean("federated"), row.getUUID("id"), row.getUUID("service_user_id"),
            row.getUUID("service_org_id")));
      }
    });
    return outranked;
  }

  /**
   * Revokes them, audited by the caller of the request {@code ctx}; once the transaction commits, this process
   * refuses their tokens at once.
   */
  private static Future<Void> revoke(SqlConnection tx, RoutingContext ctx, TokenRevocations revocations,
      List<Outranked> outranked) {
    var actor = BearerAuth.principal(ctx).subject();
    return revoke(tx, revocations, outranked,
        (orgId, events) -> AuditLog.recordAll(tx, ctx, orgId, actor, events));
  }

  /**
   * Revokes them, audited by {@code audit}; once the transaction commits, this process refuses their tokens at once.
   */
  private static Future<Void> revoke(SqlConnection tx, TokenRevocations revocations, List<Outranked> outranked,
      BiFunction<UUID, List<AuditLog.Event>, Future<Void>> audit) {
    return revoke(tx, outranked, audit).onSuccess(v -> tx.transaction().completion().onSuccess(committed ->
        outranked.forEach(credential -> revocations.markRevoked(credential.id().toString()))));
  }

  /**
   * Revokes them, audited by {@code audit} in the organization of each, in one statement per kind and one per
   * organization.
   */
  private static Future<Void> revoke(SqlClient tx, List<Outranked> outranked,
      BiFunction<UUID, List<AuditLog.Event>, Future<Void>> audit) {
    if (outranked.isEmpty()) {
      return Future.succeededFuture();
    }
    var secrets = outranked.stream().filter(c -> !c.federated()).map(Outranked::id).toArray(UUID[]::new);
    var federated = outranked.stream().filter(Outranked::federated).map(Outranked::id).toArray(UUID[]::new);
    var byOrganization = outranked.stream().collect(Collectors.groupingBy(Outranked::orgId, LinkedHashMap::new,
        Collectors.mapping(Outranked::event, Collectors.toList())));
    return Future.all(tx.preparedQuery(REVOKE).execute(Tuple.tuple().addArrayOfUUID(secrets)),
            tx.preparedQuery(REMOVE).execute(Tuple.tuple().addArrayOfUUID(federated)))
        .compose(v -> Future.all(byOrganization.entrySet().stream()
            .map(events -> audit.apply(events.getKey(), events.getValue())).toList()))
        .mapEmpty();
  }

  /** What the credential's maker holds in the organization now: nothing if they are gone or no longer in it. */
  private static Set<String> makerHolds(Row row) {
    if (row.getBoolean("maker_provisioner")) {
      return PermissionCatalog.PROVISIONER;
    }
    return Holdings.of(row, "maker");
  }
}
