package dev.orgplane.org.organization;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.MembersOnlyErrors;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.organization.OrganizationStates.StateChange;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Disabling and enabling an organization, each at the caller's {@link DisableLevel}. A request that changes nothing
 * (disabling an organization disabled at that level or above, enabling an enabled one) is answered with the
 * organization as it is, as adding a member twice is: no new version, no event. Enabling one disabled above the
 * caller's level is refused with 403 {@code suspended_by_operator}.
 */
final class OrganizationStateRoutes {

  /** Room for a sentence or two (a ticket, an invoice), which every member who reads the organization sees. */
  static final int MAX_REASON = 500;

  private final Pool pool;

  OrganizationStateRoutes(Pool pool) {
    this.pool = pool;
  }

  void mount(Router router) {
    QueryParameters.NONE.on(MembersOnlyErrors.openWhileDisabled(router, router.post("/v1/organizations/:org/disable")))
        .handler(this::disable);
    QueryParameters.NONE.on(MembersOnlyErrors.openWhileDisabled(router, router.post("/v1/organizations/:org/enable")))
        .handler(this::enable);
  }

  private void disable(RoutingContext ctx) {
    var reason = reason(ctx);
    change(ctx, "organization.disabled", new JsonObject().put("reason", reason),
        (tx, orgId, level, event) -> OrganizationStates.disable(tx, orgId, level, reason, event),
        StateChange::organization);
  }

  private void enable(RoutingContext ctx) {
    change(ctx, "organization.enabled", new JsonObject(),
        (tx, orgId, level, event) -> OrganizationStates.enable(tx, orgId, level, event),
        OrganizationStateRoutes::enabled);
  }

  /** One of the two statements, for the organization, at the caller's level, writing {@code event} if it changes it. */
  private interface Statement {
    Future<Optional<StateChange>> run(SqlClient tx, UUID orgId, DisableLevel level, Object[] event);
  }

  /**
   * Runs {@code statement} at the caller's level and answers the organization {@code outcome} makes of its change; the
   * event says that level besides {@code details}. The caller's access is decided with the organization's row held
   * ({@code AccessPolicy.require(..., true)}), as every other change of it is: an owner demoted or a group admin revoked
   * while the request waited for the row disables nothing (checked before the statement's own lock, it disabled with
   * the rights the caller had just lost). The statement and the answer kept for an {@code Idempotency-Key} retry share
   * that transaction.
   */
  private void change(RoutingContext ctx, String action, JsonObject details, Statement statement,
      Function<StateChange, Organization> outcome) {
    var principal = BearerAuth.principal(ctx);
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.ORG_DISABLE,
            true)
        .compose(access -> {
          var level = DisableLevel.of(access);
          var event = AuditLog.hookEventValues(ctx, access.orgId(), principal.subject(), action,
              "organization:" + access.orgId(), details.copy().put("level", level.apiName()));
          return statement.run(tx, access.orgId(), level, event)
              .map(change -> outcome.apply(change.orElseThrow(AccessPolicy::notFound)))
              .compose(org -> Replies.keep(tx, ctx, OrganizationRoutes.answer(org)));
        }))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /** The enabled organization; one still disabled after an enable was disabled above the caller's level. */
  private static Organization enabled(StateChange change) {
    var org = change.organization();
    if (!"disabled".equals(org.state())) {
      return org;
    }
    throw ApiException.forbidden("suspended_by_operator", DisableLevel.named(org.disabledBy()) == DisableLevel.PLATFORM
        ? "A platform admin disabled the organization; only a platform admin enables it."
        : "The admin of its group disabled the organization; only they or a platform admin enable it.");
  }

  /** The optional {@code reason} of a disable; the body is optional too (none, or {@code {}}: no reason). */
  private static String reason(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return null;
    }
    var body = RequestBody.of(ctx, Set.of("reason"));
    var reason = body.line("reason", MAX_REASON, false);
    body.validate();
    return reason;
  }
}
