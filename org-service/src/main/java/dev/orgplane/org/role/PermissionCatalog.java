package dev.orgplane.org.role;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every permission an organization role can grant, Shield-style ({@code app_<object>_<action>}),
 * and the predefined roles built from them. Endpoints check permissions, never role names.
 */
public final class PermissionCatalog {

  public static final String ORG_GET = "app_organization_get";
  public static final String ORG_UPDATE = "app_organization_update";
  public static final String ORG_DELETE = "app_organization_delete";
  public static final String ORG_DISABLE = "app_organization_disable";
  public static final String USER_LIST = "app_organization_userlist";
  public static final String USER_MANAGE = "app_organization_usermanage";
  public static final String ROLE_MANAGE = "app_organization_rolemanage";
  public static final String INVITATION_CREATE = "app_organization_invitationcreate";
  public static final String INVITATION_LIST = "app_organization_invitationlist";
  public static final String AUDIT_LIST = "app_audit_list";
  public static final String SETUP_IMPORT = "app_setup_import";
  public static final String TEAM_LIST = "app_group_list";
  public static final String TEAM_MANAGE = "app_group_manage";
  /** Raise provisioning events in an organization: the engine's alone, so it is in no role and not in the catalog. */
  public static final String PROVISIONING_REPORT = "app_provisioning_report";
  /**
   * Give hook copies the template's secrets ({@code hooks:copy} with {@code copySecrets}) without the right to edit the
   * template's hooks: the engine's alone, like {@link #PROVISIONING_REPORT}. The engine copies with it only for a
   * requester who holds {@code app_hook_update} on the template; everyone else needs that permission itself.
   */
  public static final String HOOK_SECRET_COPY = "app_hook_secretcopy";

  private static final List<String> SETUP_KINDS = List.of("workspace", "schema", "queue", "hook");
  private static final List<String> SETUP_ACTIONS = List.of("get", "create", "update", "delete");

  /**
   * Held only by owners (and group and platform admins): delete and disable an organization, import setup objects
   * with chosen ids. No custom role may carry them, so no one can be handed them except as an owner.
   */
  public static final Set<String> OWNERS_ONLY = Set.of(ORG_DELETE, ORG_DISABLE, SETUP_IMPORT);

  /** Name -> description, in catalog order. */
  public static final Map<String, String> PERMISSIONS = catalog();

  public static final Map<String, Set<String>> PREDEFINED_ROLES = Map.of(
      "owner", PERMISSIONS.keySet(),
      "manager", PERMISSIONS.keySet().stream()
          .filter(p -> !OWNERS_ONLY.contains(p))
          .collect(Collectors.toUnmodifiableSet()),
      "viewer", PERMISSIONS.keySet().stream()
          .filter(p -> p.endsWith("_get") || p.endsWith("list"))
          .collect(Collectors.toUnmodifiableSet()),
      "member", Set.of(ORG_GET, TEAM_LIST));

  /**
   * What the provisioning engine holds in every organization: read a template, write its copy through
   * the import API (its hooks' secrets included, see {@link #HOOK_SECRET_COPY}), and invite the owner a provisioning
   * names (seeing the pending invitations, so that it invites nobody twice). Not a role: no member can be given it,
   * and it cannot delete or disable anything.
   */
  public static final Set<String> PROVISIONER = Stream.concat(
      Stream.of(ORG_GET, USER_LIST, USER_MANAGE, ROLE_MANAGE, TEAM_LIST, TEAM_MANAGE, SETUP_IMPORT, AUDIT_LIST,
          PROVISIONING_REPORT, HOOK_SECRET_COPY, INVITATION_CREATE, INVITATION_LIST),
      SETUP_KINDS.stream().map(kind -> "app_" + kind + "_get")).collect(Collectors.toUnmodifiableSet());

  public static final List<String> PREDEFINED_ORDER = List.of("owner", "manager", "viewer", "member");

  private PermissionCatalog() {
  }

  public static boolean isPredefined(String role) {
    return PREDEFINED_ROLES.containsKey(role);
  }

  private static Map<String, String> catalog() {
    var map = new LinkedHashMap<String, String>();
    map.put(ORG_GET, "Read the organization");
    map.put(ORG_UPDATE, "Change the organization's profile and metadata");
    map.put(ORG_DELETE, "Delete the organization and everything it owns");
    map.put(ORG_DISABLE, "Disable or enable the organization");
    map.put(USER_LIST, "List members and their roles");
    map.put(USER_MANAGE, "Add and remove members, change their roles");
    map.put(ROLE_MANAGE, "Create, change and delete custom roles");
    map.put(INVITATION_CREATE, "Invite people");
    map.put(INVITATION_LIST, "List pending invitations");
    map.put(AUDIT_LIST, "Read the audit trail");
    map.put(TEAM_LIST, "List teams and their members");
    map.put(TEAM_MANAGE, "Create, change and delete teams and their member lists");
    map.put(SETUP_IMPORT, "Import setup objects with chosen ids (provisioning)");
    Stream.of(SETUP_KINDS.toArray(String[]::new)).forEach(kind -> SETUP_ACTIONS.forEach(action ->
        map.put("app_" + kind + "_" + action, capitalize(action) + " " + kind + "s")));
    return java.util.Collections.unmodifiableMap(map);
  }

  private static String capitalize(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
