package dev.orgplane.org.membership;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.org.access.OrgAccess;

/**
 * Whom a caller may add to an organization by user id, without the person's consent. Operators manage membership
 * directly; a tenant reaches only the people it shares across its group's organizations and invites everyone else
 * (an invitation waits for the invitee's acceptance). Whoever is out of reach is refused as an id nobody has, so an
 * add tells no one whether an account exists.
 */
enum AddReach {
  /** A platform admin: any person. */
  ANY_PERSON,
  /** The provisioning engine: the group's people, and accounts in no organization at all. */
  GROUP_OR_ORGLESS,
  /**
   * A group admin of the organization's group: the group's people, and accounts in no organization that an admin of
   * the group made with {@code POST /v1/users} (how such an account joins its first one). Any other account in no
   * organization is a stranger's, whom an add would make a member, owner even, of an organization they may not leave.
   */
  GROUP_OR_ORGLESS_IT_MADE,
  /** Anyone else who may manage members: people who are members of some organization of the group. */
  GROUP;

  /**
   * The reach of the caller with {@code access}. A scoped token acts as a member would: it carries no platform or
   * group powers outside its one organization, and reaching people from outside the group is one.
   */
  static AddReach of(OrgAccess access, Principal principal) {
    if (access.provisioner()) {
      return GROUP_OR_ORGLESS;
    }
    if (principal.isScoped()) {
      return GROUP;
    }
    if (access.platformAdmin()) {
      return ANY_PERSON;
    }
    return access.groupAdmin() ? GROUP_OR_ORGLESS_IT_MADE : GROUP;
  }
}
