package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A kind of object org-service keeps, as far as the kit mirrors it: the fields an import takes and which of them
 * it requires (org-service refuses others: {@code RequestBody}, {@code SetupInput}), the rule of its names, whether
 * its list is sorted by name (roles, teams) rather than by id, for the setup kinds org-service copies itself,
 * how a copy is made ({@link CopyRule}), and which of its fields name objects of the organization, by the path of the
 * kind they name ({@code referenced}; {@link ReferenceRules} refuses what names nothing), and which of its lists the
 * service keeps as sets ({@code unordered}: a role's permissions, a team's members, a member's roles), so that a write giving them in
 * another order changes nothing, and which required fields a batch import's item may leave out, the object keeping
 * what it holds ({@code keptWhenLeftOut}, lists: a team's members, see {@link #kept}). A path of no such kind (one the kit
 * does not know) is stored as written.
 */
record ServiceKind(String path, Set<String> fields, Set<String> required, NameRule names, boolean sortedByName,
    CopyRule copy, Map<String, String> referenced, Set<String> unordered, Set<String> keptWhenLeftOut) {

  /** How names of a kind look, and the 409 code org-service answers when one is taken in the organization. */
  record NameRule(Pattern pattern, String rule, String takenCode) {
  }

  private static final NameRule SETUP_NAMES = new NameRule(
      Pattern.compile("(?=.*[A-Za-z0-9_-])[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]{0,126}[A-Za-z0-9._-])?"),
      "must be 1-128 characters of letters, digits, space, '.', '_' and '-', neither starting nor ending with a space, "
          + "and not only dots and spaces", "name_taken");

  static final ServiceKind WORKSPACES = new ServiceKind("workspaces", Set.of("name", "metadata"), Set.of("name"),
      SETUP_NAMES, false, new CopyRule(List.of(), List.of(), null, null), Map.of(), Set.of(), Set.of());
  static final ServiceKind SCHEMAS = new ServiceKind("schemas", Set.of("name", "content", "metadata"),
      Set.of("name", "content"), SETUP_NAMES, false, new CopyRule(List.of(), List.of(), null, null), Map.of(), Set.of(),
      Set.of());
  static final ServiceKind QUEUES = new ServiceKind("queues",
      Set.of("name", "workspaceId", "schemaId", "settings", "metadata"), Set.of("name", "workspaceId", "schemaId"),
      SETUP_NAMES, false, new CopyRule(List.of("workspaceId", "schemaId"), List.of(), null, "settings"),
      Map.of("workspaceId", "workspaces", "schemaId", "schemas"), Set.of(), Set.of());
  static final ServiceKind HOOKS = new ServiceKind("hooks",
      Set.of("name", "url", "events", "queueIds", "runAfter", "active", "config", "secret", "metadata"),
      Set.of("name", "url"), SETUP_NAMES, false, new CopyRule(List.of(), List.of("queueIds", "runAfter"), "runAfter",
      "config"), Map.of("queueIds", "queues", "runAfter", "hooks"), Set.of(), Set.of());
  static final ServiceKind ROLES = new ServiceKind("roles", Set.of("name", "title", "permissions", "metadata"),
      Set.of("name", "permissions"), lowerCaseNames("role_name_taken"), true, null, Map.of(),
      Set.of("permissions"), Set.of());
  /** Teams: an import item without {@code userIds} leaves a team's members as they are (a PUT must name them). */
  static final ServiceKind GROUPS = new ServiceKind("groups", Set.of("name", "title", "metadata", "userIds"),
      Set.of("name", "userIds"), lowerCaseNames("group_name_taken"), true, null, Map.of("userIds", "users"),
      Set.of("userIds"), Set.of("userIds"));
  /**
   * Members: an import sets a member's roles (named: predefined or the organization's; none named, {@code member}, as
   * org-service's {@code MembershipRoutes} gives), and members have no names.
   */
  static final ServiceKind USERS = new ServiceKind("users", Set.of("roles"), Set.of(), null, false, null,
      Map.of("roles", "roles"), Set.of("roles"), Set.of());

  private static final Map<String, ServiceKind> BY_PATH = List.of(WORKSPACES, SCHEMAS, QUEUES, HOOKS, ROLES, GROUPS,
      USERS).stream().collect(Collectors.toMap(ServiceKind::path, Function.identity()));

  private static NameRule lowerCaseNames(String takenCode) {
    return new NameRule(Pattern.compile("[a-z0-9_-]{2,63}"), "must be 2-63 characters of a-z, 0-9, _ and -",
        takenCode);
  }

  /**
   * Whether a write sending one of the fields as null is refused, {@code must not be null}, as org-service refuses it
   * for the setup kinds it copies itself (no column of theirs holds null); roles, teams and members take an optional
   * null as left out.
   */
  boolean refusesNulls() {
    return copy != null;
  }

  /**
   * Batch import item {@code item} as the service writes it over {@code stored} (null: a new object): each
   * {@code keptWhenLeftOut} field it leaves out or sends as null is what {@code stored} holds, an empty list for a
   * new object, as org-service's {@code TeamFields.readItem} reads a team's members.
   */
  JsonObject kept(JsonObject item, JsonObject stored) {
    var written = item.copy();
    keptWhenLeftOut.stream().filter(field -> written.getValue(field) == null).forEach(field -> written.put(field,
        stored == null ? new JsonArray() : stored.getJsonArray(field, new JsonArray()).copy()));
    return written;
  }

  /** Whether {@code stored} and {@code written} say the same, the {@code unordered} lists as sets. */
  boolean same(JsonObject stored, JsonObject written) {
    return asSets(stored).equals(asSets(written));
  }

  private JsonObject asSets(JsonObject object) {
    var sets = object.copy();
    unordered.stream().filter(field -> object.getValue(field) instanceof JsonArray).forEach(field -> sets.put(field,
        new JsonArray(object.getJsonArray(field).stream().map(String::valueOf).distinct().sorted().toList())));
    return sets;
  }

  static Optional<ServiceKind> of(String path) {
    return Optional.ofNullable(BY_PATH.get(path));
  }
}
