package dev.orgplane.org.user;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.access.AccessPolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * Who may change the signed-in account itself: its name, address, password and sessions, or delete it. Those act on
 * the whole account, beyond any one organization, so a person's token scoped to one organization (a group or platform
 * admin's, from the group's token route) is refused them, 403 {@code scoped_token}, as it is the founding of
 * organizations: scoping narrows where its holder acts, and grants nothing outside that organization. Until session 35
 * it renamed its holder, changed their password and address, signed them out everywhere and deleted the account.
 *
 * <p>A service user's token is scoped too, to the organization it belongs to, which is all its account is: it passes,
 * and each route answers it as it did (its sessions end; it has no password, address or name of its own to change).
 */
public final class OwnAccountAccess {

  private OwnAccountAccess() {
  }

  /** Succeeds unless {@code principal} is a person's token scoped to one organization. */
  public static Future<Void> require(SqlClient client, Principal principal) {
    if (!principal.isScoped()) {
      return Future.succeededFuture();
    }
    return UserRepository.isPerson(client, AccessPolicy.userId(principal)).compose(person -> person
        ? Future.failedFuture(ApiException.forbidden("scoped_token", "This token acts in one organization only; "
            + "changing your account needs your own token."))
        : Future.succeededFuture());
  }
}
