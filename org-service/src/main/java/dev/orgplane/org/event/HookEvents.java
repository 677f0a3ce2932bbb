package dev.orgplane.org.event;

import java.util.List;

/**
 * The events an organization's hooks can subscribe to. Not {@code organization.deleted}: the organization's hooks
 * are deleted with it, so none could receive it.
 */
public final class HookEvents {

  public static final List<String> CATALOG = List.of(
      "organization.updated", "organization.disabled", "organization.enabled",
      "member.added", "member.removed", "member.roles_changed", "invitation.accepted",
      "workspace.created", "workspace.updated", "workspace.deleted",
      "schema.created", "schema.updated", "schema.deleted",
      "queue.created", "queue.updated", "queue.deleted",
      "hook.created", "hook.updated", "hook.deleted",
      "provisioning.job.finished");

  private HookEvents() {
  }
}
