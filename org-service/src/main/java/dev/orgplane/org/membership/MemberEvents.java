package dev.orgplane.org.membership;

import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * The audit (and hook) events of members written: only what changed is news, so a user already a member and left as
 * they were is named nowhere (until session 19 a re-run announced them as added, with the roles asked for).
 */
public final class MemberEvents {

  private MemberEvents() {
  }

  /**
   * One {@code member.added} per set of roles the joining users got, naming them; one {@code member.roles_changed}
   * per member whose roles an import replaced, as setting their roles writes.
   */
  static List<AuditLog.Event> of(UUID orgId, List<MembershipRepository.Written> written) {
    var joinedByRoles = new LinkedHashMap<List<String>, List<String>>();
    var events = new ArrayList<AuditLog.Event>();
    for (var member : written) {
      if (member.joined()) {
        joinedByRoles.computeIfAbsent(member.roles(), roles -> new ArrayList<>()).add(member.userId().toString());
      } else {
        events.add(rolesChanged(member.userId(), member.roles()));
      }
    }
    var added = new ArrayList<AuditLog.Event>();
    joinedByRoles.forEach((roles, userIds) -> added.add(added(orgId, userIds, roles)));
    added.addAll(events);
    return added;
  }

  /** A member who holds other roles now, whatever changed them (their roles set, an import, a rename of a role). */
  public static AuditLog.Event rolesChanged(UUID userId, List<String> roles) {
    return new AuditLog.Event("member.roles_changed", "user:" + userId,
        new JsonObject().put("roles", new JsonArray(roles)));
  }

  /** Users who joined with these roles, whichever way they came in. */
  public static AuditLog.Event added(UUID orgId, List<String> userIds, List<String> roles) {
    return new AuditLog.Event("member.added", "organization:" + orgId,
        new JsonObject().put("userIds", new JsonArray(userIds)).put("roles", new JsonArray(roles)));
  }
}
