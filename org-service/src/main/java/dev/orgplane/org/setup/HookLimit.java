package dev.orgplane.org.setup;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;

/**
 * How many hooks an organization may have ({@code ORGPLANE_HOOKS_PER_ORGANIZATION}). Every event of an organization is
 * copied, whole, into a delivery for each of its hooks subscribed to it, so its hooks multiply what one request
 * stores and sends. A write that creates hooks is refused (409 {@code hook_limit_reached}, nothing written) when the
 * organization would then have more; one that creates none is not, so an organization over the limit (it had them
 * before the limit, or before it was lowered) keeps and edits its hooks, and deletes its way back under it.
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
        : Future.failedFuture(ApiException.conflict("hook_limit_reached", "An organization may have at most "
            + perOrganization + " hooks; this one would have " + hooks + ". Delete hooks it no longer needs first.")));
  }
}
