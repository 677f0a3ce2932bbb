package dev.orgplane.org.organization;

import java.util.UUID;

/**
 * Where the API shows an organization or something of it, as a {@code Location} names it: built from ids, never from
 * the request's path, which may end in {@code /} (served) or name the organization otherwise, and so would put the
 * new object after a {@code //} the gateway refuses.
 */
public final class OrganizationPaths {

  private OrganizationPaths() {
  }

  /** {@code /v1/organizations/{orgId}/{below...}}: each of {@code below} one segment, a collection or an id. */
  public static String of(UUID orgId, Object... below) {
    var path = new StringBuilder("/v1/organizations/").append(orgId);
    for (var segment : below) {
      path.append('/').append(segment);
    }
    return path.toString();
  }
}
