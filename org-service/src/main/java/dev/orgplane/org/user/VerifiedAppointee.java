package dev.orgplane.org.user;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Future;

/**
 * Whoever is given rights over organizations not their own (a platform admin, a group admin) has a verified address:
 * anyone can register any address, so an account nobody confirmed may be a stranger's registration under the address
 * of the person meant, and appointing it would hand the stranger those rights.
 */
public final class VerifiedAppointee {

  /** The code of the refusal, as invitations refuse an address not verified. */
  public static final String NOT_VERIFIED = "email_not_verified";

  private VerifiedAppointee() {
  }

  /** Succeeds if {@code user}'s address is verified; else fails with 403 {@value #NOT_VERIFIED}, naming it {@code named}. */
  public static Future<Void> require(User user, String named) {
    return user.emailVerified() ? Future.succeededFuture()
        : Future.failedFuture(ApiException.forbidden(NOT_VERIFIED, named + "'s address is not verified: anyone can "
            + "register any address, so the account may not be its owner's until they confirm it (the mail sent at "
            + "registration, or another asked for with POST /v1/users/me/email-verifications)"));
  }
}
