package dev.orgplane.org.organization;

import dev.orgplane.org.access.OrgAccess;
import java.util.Locale;

/**
 * Who disables or enables an organization, lowest first: its own owners, the admin of its group, a platform admin.
 * A disabled organization is enabled again only at the level that disabled it or above, so that an operator's
 * suspension (for non-payment, say) is not lifted by the owners it suspends. The database type {@code
 * org.disable_level} has the same values in the same order.
 */
enum DisableLevel {
  ORGANIZATION, GROUP, PLATFORM;

  /** The highest level the caller acts at: an owner who is also their group's admin acts as the group. */
  static DisableLevel of(OrgAccess access) {
    return access.platformAdmin() ? PLATFORM : access.groupAdmin() ? GROUP : ORGANIZATION;
  }

  static DisableLevel named(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** As the API and the database name it. */
  String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
