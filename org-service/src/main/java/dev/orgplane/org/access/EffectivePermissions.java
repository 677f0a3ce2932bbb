package dev.orgplane.org.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.SortedSet;
import java.util.UUID;

/** The permissions a caller may use in one organization now, as {@link AccessPolicy} decides them, and why. */
public record EffectivePermissions(OrgAccess access, SortedSet<String> permissions) {

  /**
   * Where the caller's powers come from, the widest first: an administrator holds every permission whatever roles
   * they also hold as a member, so their roles would not explain what they may do.
   */
  public String via() {
    if (access.provisioner()) {
      return "provisioner";
    }
    if (access.platformAdmin()) {
      return "platform_admin";
    }
    return access.groupAdmin() ? "group_admin" : "member";
  }

  /** What someone who is not in organization {@code organizationId} may do there: nothing. */
  public static JsonObject nothing(UUID organizationId) {
    return new JsonObject().put("organizationId", organizationId.toString()).put("roles", new JsonArray())
        .put("permissions", new JsonArray()).put("via", "none");
  }

  public JsonObject toJson() {
    return new JsonObject().put("organizationId", access.orgId().toString())
        .put("roles", new JsonArray(access.roles())).put("permissions", new JsonArray(permissions.stream().toList()))
        .put("via", via());
  }
}
