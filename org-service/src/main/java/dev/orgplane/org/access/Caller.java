package dev.orgplane.org.access;

import java.util.UUID;

/**
 * The caller at platform level: their user id, whether they act as platform admin, whether their
 * token is scoped to one organization, and whether they are the provisioning engine.
 *
 * <p>A scoped token narrows which organizations its holder acts in, not what they may do in its one: there
 * {@link AccessPolicy} gives a group admin or platform admin every permission, as their own token would. Here, at
 * platform level, it carries no powers beyond that organization: {@code platformAdmin} is false for it, and the group
 * routes treat it as an outsider (it lists no groups, reads none, takes no other scoped token), nor does it create
 * organizations.
 */
public record Caller(UUID userId, boolean platformAdmin, boolean scoped, boolean provisioner) {

  /** Platform admins and the provisioning engine see every organization; everyone else only their own. */
  public boolean seesEveryOrganization() {
    return platformAdmin || provisioner;
  }
}
