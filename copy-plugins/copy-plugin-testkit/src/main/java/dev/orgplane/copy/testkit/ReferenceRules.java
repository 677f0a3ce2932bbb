package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What org-service refuses of the references a write holds ({@link ServiceKind#referenced}), with its answers: a
 * queue's workspace or schema that is no object of the organization (its foreign keys {@code queues_workspace_fkey},
 * {@code queues_schema_fkey}), a hook's queues or hooks to run after that are none ({@code SetupRepository}), all 422
 * {@code invalid_reference}; a team member who is no member of the organization (422 {@code not_a_member},
 * {@code TeamRoutes}); a member's role that is neither predefined nor the organization's (422 {@code unknown_role},
 * {@code RoleGrants}). A reference to an object of the written kind may name another object of the same write.
 */
final class ReferenceRules {

  /** org-service's predefined roles ({@code PermissionCatalog}): every organization has them. */
  private static final Set<String> PREDEFINED_ROLES = Set.of("owner", "manager", "viewer", "member");
  /** org-service names at most this many broken array references in one answer. */
  private static final int MAX_PROBLEMS = 20;

  private ReferenceRules() {
  }

  /**
   * Refuses {@code written} (objects with their ids) into an organization whose objects of a path {@code stored}
   * answers: an import ({@code batch}, whose answer names a broken foreign key as {@code items[].field}, the service
   * not knowing which item broke it) or one object written with {@code PUT} or {@code POST}.
   */
  static void checkWrite(ServiceKind kind, Function<String, Map<String, JsonObject>> stored, List<JsonObject> written,
      boolean batch) {
    if (kind == ServiceKind.USERS) {
      requireRoles(stored.apply("roles"), written);
    } else if (kind == ServiceKind.GROUPS) {
      requireMembers(stored.apply("users"), written);
    } else {
      var broken = brokenSingle(kind, stored, written);
      if (broken != null) {
        throw new OrgApiException(422, "invalid_reference", broken + " does not name an object of this organization.",
            new JsonArray().add(error((batch ? "items[]." : "") + broken, "no such object in this organization")));
      }
      requireArrayReferences(kind, stored, written, id -> "");
    }
  }

  /**
   * Refuses {@code copies} made by the service ({@code copyPage}) of the template objects {@code sourceIds} (at the same
   * index), naming each template object at fault as {@code objects[id].field}, as {@code CopyRefusals} does.
   */
  static void checkCopies(ServiceKind kind, Function<String, Map<String, JsonObject>> stored, List<JsonObject> copies,
      List<String> sourceIds) {
    var broken = brokenSingle(kind, stored, copies);
    if (broken != null) {
      var present = ids(stored.apply(kind.referenced().get(broken)).keySet());
      var errors = new JsonArray();
      for (int i = 0; i < copies.size(); i++) {
        if (!present.contains(copies.get(i).getString(broken).toLowerCase())) {
          errors.add(error("objects[" + sourceIds.get(i) + "]." + broken, "names an object not copied here"));
        }
      }
      throw new OrgApiException(422, "invalid_reference", broken + " of a copy names an object that is not copied into "
          + "this organization.", errors);
    }
    requireArrayReferences(kind, stored, copies, id -> "objects[" + sourceIds.get(indexOf(copies, id)) + "].");
  }

  /** The first field (in the order of their names) naming one object, that names none in one of {@code written}. */
  private static String brokenSingle(ServiceKind kind, Function<String, Map<String, JsonObject>> stored,
      List<JsonObject> written) {
    for (var field : kind.referenced().keySet().stream().sorted().toList()) {
      var present = ids(stored.apply(kind.referenced().get(field)).keySet());
      if (written.stream().anyMatch(object -> object.getValue(field) instanceof String id
          && !present.contains(id.toLowerCase()))) {
        return field;
      }
    }
    return null;
  }

  /** A hook's queues and hooks to run after, which no foreign key guards: each must name an object, or 422. */
  private static void requireArrayReferences(ServiceKind kind, Function<String, Map<String, JsonObject>> stored,
      List<JsonObject> written, Function<String, String> pathOf) {
    var problems = new JsonArray();
    for (var field : kind.referenced().keySet().stream().sorted().toList()) {
      var target = kind.referenced().get(field);
      var present = ids(stored.apply(target).keySet());
      if (target.equals(kind.path())) {
        present.addAll(ids(written.stream().map(object -> object.getString("id")).toList()));
      }
      for (var object : written) {
        var named = object.getValue(field) instanceof JsonArray ids ? ids : new JsonArray();
        for (var id : named.stream().map(String.class::cast).toList()) {
          if (problems.size() < MAX_PROBLEMS && !present.contains(id.toLowerCase())) {
            problems.add(error(pathOf.apply(object.getString("id")) + field, object.getString("name") + ": " + id
                + " is no " + target.replaceAll("s$", "") + " of this organization"));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new OrgApiException(422, "invalid_reference", "The " + kind.path().replaceAll("s$", "")
          + " refers to objects that are not in this organization, or runs after itself.", problems);
    }
  }

  /** Only members of the organization can join its teams. */
  private static void requireMembers(Map<String, JsonObject> members, List<JsonObject> teams) {
    var present = ids(members.keySet());
    var strangers = teams.stream().flatMap(team -> team.getJsonArray("userIds", new JsonArray()).stream())
        .map(String.class::cast).filter(id -> !present.contains(id.toLowerCase())).distinct().toList();
    if (!strangers.isEmpty()) {
      throw new OrgApiException(422, "not_a_member", "Only members of the organization can join its teams.",
          new JsonArray(strangers.stream().map(id -> error("userIds", id)).toList()));
    }
  }

  /** A member's roles are predefined ones or roles of the organization, by name (none, null too: {@code member}). */
  private static void requireRoles(Map<String, JsonObject> roles, List<JsonObject> members) {
    var named = roles.values().stream().map(role -> role.getString("name")).collect(Collectors.toSet());
    var unknown = new LinkedHashSet<String>();
    members.stream().map(member -> member.getJsonArray("roles")).filter(Objects::nonNull)
        .flatMap(JsonArray::stream).map(String.class::cast)
        .filter(role -> !PREDEFINED_ROLES.contains(role) && !named.contains(role)).forEach(unknown::add);
    if (!unknown.isEmpty()) {
      throw new OrgApiException(422, "unknown_role", "No such role in this organization: " + new ArrayList<>(unknown),
          new JsonArray(unknown.stream().map(role -> error("roles", role)).toList()));
    }
  }

  private static int indexOf(List<JsonObject> objects, String id) {
    for (int i = 0; i < objects.size(); i++) {
      if (objects.get(i).getString("id").equals(id)) {
        return i;
      }
    }
    throw new IllegalArgumentException(id);
  }

  private static Set<String> ids(Collection<String> ids) {
    return ids.stream().map(String::toLowerCase).collect(Collectors.toCollection(HashSet::new));
  }

  private static JsonObject error(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }
}
