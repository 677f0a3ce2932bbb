package dev.orgplane.org.setup;

import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * How many hooks an organization may have ({@code ORGPLANE_HOOKS_PER_ORGANIZATION}). Every event of an organization is
 * queued as a delivery for each of its hooks subscribed to it (its payload stored once, V64), so its hooks multiply
 * what one request queues and sends. A write that creates hooks is refused (409 {@code hook_limit_reached}, nothing written) when the
 * organization would then have more; one that creates none is not, so an organization over the limit (it had them
 * before the limit, or before it was lowered) keeps and edits its hooks, and deletes its way back under it. The limit
 * and an organization's count are read at {@code GET .../hook-limit} ({@link #allowance}): a dry run of the provisioning
 * engine, which writes nothing, predicts the refusal from them.
 */
record HookLimit(int perOrganization) {

  /**
   * Fails when the write of {@code kind} just made, which created {@code created} objects, left the organization more
   * hooks than allowed. Counted under the organization's lock of setup writes, taken before the count and held to the
   * commit: two writes racing at the limit count one after the other, the second seeing the first's hooks.
   */
  Future<Void> check(SqlClient tx, SetupKind kind, UUID orgId, long created) {
    if (kind != SetupKind.HOOKS || created == 0) {
      return Future.succeededFuture();
    }
    return SetupRepository.countLocked(tx, kind, orgId).compose(hooks -> hooks <= perOrganization
        ? Future.succeededFuture()
        : Future.failedFuture(ApiException.conflict(HookAllowance.LIMIT_REACHED,
            HookAllowance.refusal(perOrganization, hooks))));
  }

  /** The limit and the organization's hooks, counted without the lock of writes: a read that changes nothing. */
  Future<HookAllowance> allowance(SqlClient client, UUID orgId) {
    return SetupRepository.count(client, SetupKind.HOOKS, orgId).map(hooks -> new HookAllowance(perOrganization, hooks));
  }
}
