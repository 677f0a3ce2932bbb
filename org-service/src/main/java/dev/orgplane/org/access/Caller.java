package dev.orgplane.org.access;

import java.util.UUID;

/**
 * The caller at platform level: their user id, whether they act as platform admin, whether their
 * token is scoped to one organization, and whether they are the provisioning engine.
 */
public record Caller(UUID userId, boolean platformAdmin, boolean scoped, boolean provisioner) {

  /** Platform admins and the provisioning engine see every organization; everyone else only their own. */
  public boolean seesEveryOrganization() {
    return platformAdmin || provisioner;
  }
}
