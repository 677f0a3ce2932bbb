package dev.orgplane.org.access;

import dev.orgplane.org.organization.Organization;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** What the caller is in one organization: the organization, their roles, their permissions. */
public record OrgAccess(Organization organization, UUID userId, List<String> roles, Set<String> permissions,
    boolean groupAdmin, boolean platformAdmin, boolean provisioner) {

  public UUID orgId() {
    return organization.id();
  }
}
