package dev.orgplane.org.audit;

import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What of an audit event's details its reader is shown. Reading the trail ({@link PermissionCatalog#AUDIT_LIST}) must
 * not tell what the lists the details come from keep from that reader: an invitee's address is shown to those who may
 * list invitations; where an event ties it to membership (whether it was mailed, which it is not to a member's address;
 * the member an accepted invitation made), to those who may list the members as well. The events keep every detail as
 * written, for the readers who hold those permissions.
 */
final class ShownDetails {

  private static final List<String> INVITATIONS = List.of(PermissionCatalog.INVITATION_LIST);
  private static final List<String> INVITATIONS_AND_MEMBERS =
      List.of(PermissionCatalog.INVITATION_LIST, PermissionCatalog.USER_LIST);

  /** By action, each detail shown only to readers allowed all the permissions it names. */
  private static final Map<String, Map<String, List<String>>> RESTRICTED = Map.of(
      "invitation.created", Map.of("email", INVITATIONS, "mailed", INVITATIONS_AND_MEMBERS),
      "invitation.accepted", Map.of("email", INVITATIONS_AND_MEMBERS));

  private final OrgAccess reader;

  ShownDetails(OrgAccess reader) {
    this.reader = reader;
  }

  /** The details of an event {@code action}, without those the reader is not shown. */
  JsonObject of(String action, JsonObject details) {
    var hidden = RESTRICTED.getOrDefault(action, Map.of()).entrySet().stream()
        .filter(detail -> !detail.getValue().stream().allMatch(permission -> AccessPolicy.allows(reader, permission)))
        .map(Map.Entry::getKey).toList();
    if (hidden.isEmpty()) {
      return details;
    }
    var shown = details.copy();
    hidden.forEach(shown::remove);
    return shown;
  }
}
