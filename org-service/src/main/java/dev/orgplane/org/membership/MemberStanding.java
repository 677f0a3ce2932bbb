package dev.orgplane.org.membership;

import dev.orgplane.kit.http.ApiException;
import java.util.List;

/**
 * Where a member stands before their roles change, read in one statement first: whether they are a person (no
 * service user, not the provisioning engine), whether they own the organization, and how many other people do.
 */
record MemberStanding(boolean person, boolean owner, long otherOwners) {

  /**
   * Refuses {@code roles} that would make a service user an owner, as creating one does (its organization would lose
   * that owner with it, and no person need be left in charge), or leave the organization without an owner.
   */
  void requireAllows(List<String> roles) {
    if (roles.contains("owner")) {
      if (!person) {
        throw ApiException.invalid("A service user cannot be an owner.",
            List.of(new ApiException.FieldError("roles", "a service user cannot be an owner")));
      }
    } else if (owner && otherOwners == 0) {
      throw MembershipRoutes.lastOwner();
    }
  }
}
