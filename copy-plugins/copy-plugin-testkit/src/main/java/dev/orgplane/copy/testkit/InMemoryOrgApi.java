package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * org-service as copy plugins see it, in memory: per organization and path, objects by id, listed in
 * id order a page at a time; imports and PUTs that count created, updated and unchanged; members
 * ({@code users}, keyed by {@code userId}) added by importing {@code users} (which sets a member's roles, an owner
 * staying as they are) or {@code POST users} (which leaves a member as they are); team member lists
 * ({@code groups/{id}/users}) from each team's {@code userIds}, which {@code groups?include=userIds} shows. Secrets are write-only, as in the
 * service: never stored here, never listed. It is a stand-in for testing plugins, not a second
 * org-service: it checks no permissions and no references.
 */
public final class InMemoryOrgApi implements OrgApi {

  private final Set<String> secretsWritten = new HashSet<>();
  private final Map<String, Map<String, TreeMap<String, JsonObject>>> organizations = new HashMap<>();

  /** The objects of {@code path} in {@code organization}, by id (or user id, for members). */
  public TreeMap<String, JsonObject> objects(String organization, String path) {
    return organizations.computeIfAbsent(organization, o -> new HashMap<>()).computeIfAbsent(path, p -> new TreeMap<>());
  }

  /** Another org API holding a deep copy of everything this one holds. */
  public InMemoryOrgApi copy() {
    var copy = new InMemoryOrgApi();
    organizations.forEach((org, paths) -> paths.forEach((path, objects) ->
        objects.forEach((id, object) -> copy.objects(org, path).put(id, object.copy()))));
    return copy;
  }

  /** A deep copy of everything stored, to compare before and after. */
  public JsonObject snapshot() {
    var snapshot = new JsonObject();
    organizations.forEach((org, paths) -> {
      var kinds = new JsonObject();
      paths.forEach((path, objects) -> {
        var byId = new JsonObject();
        objects.forEach((id, object) -> byId.put(id, object.copy()));
        kinds.put(path, byId);
      });
      snapshot.put(org, kinds);
    });
    return snapshot;
  }

  @Override
  public Future<Page> list(String organization, String listed, String cursor, int limit) {
    var withMemberIds = listed.equals("groups?include=userIds");
    var path = withMemberIds ? "groups" : listed;
    var teamMembers = path.matches("groups/[^/]+/users");
    var source = teamMembers ? teamMembers(organization, path.split("/")[1]) : stored(organization, path);
    var after = cursor == null ? source : source.tailMap(cursor, false);
    var items = new ArrayList<JsonObject>();
    String last = null;
    for (var entry : after.entrySet()) {
      if (items.size() == limit) {
        return Future.succeededFuture(new Page(items, last));
      }
      items.add(listed(path, entry.getValue(), withMemberIds));
      last = entry.getKey();
    }
    return Future.succeededFuture(new Page(items, null));
  }

  @Override
  public Future<Counts> importBatch(String organization, String path, List<JsonObject> items) {
    var counts = Counts.ZERO;
    for (var item : items) {
      counts = counts.plus(write(organization, path, item.getString("id"), item));
    }
    return Future.succeededFuture(counts);
  }

  /**
   * Copies as org-service does: the copy's id is {@link IdFunction#nameBased} of the target; a field, or
   * an array of strings, naming an object of the source names its copy; ids inside nested objects
   * (free-form data) are remapped when they name an object of the source or one whose copy is in the target
 * already. An array entry naming an
   * object of the same kind whose copy is neither in the page nor in the target is left out (deferred).
   */
  @Override
  public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit) {
    return list(source, path, cursor, limit).map(page -> {
      var copyOf = IdFunction.nameBasedIn(target);
      var sourceObjects = objectIds(source);
      var targetObjects = objectIds(target);
      var sameKind = new HashSet<>(stored(source, path).keySet());
      var satisfiable = new HashSet<>(stored(target, path).keySet());
      page.items().forEach(object -> satisfiable.add(copyOf.apply(object.getString("id"))));
      Function<String, String> embedded = id -> sourceObjects.contains(id) || targetObjects.contains(copyOf.apply(id))
          ? copyOf.apply(id) : null;
      var counts = Counts.ZERO;
      long deferred = 0;
      var copiedIds = new ArrayList<String>();
      for (var object : page.items()) {
        var copy = new JsonObject();
        var cut = new boolean[1];
        Function<Object, Object> reference = value -> {
          if (!(value instanceof String id) || !sourceObjects.contains(id.toLowerCase())) {
            return value;
          }
          var mapped = copyOf.apply(id);
          if (sameKind.contains(id) && !satisfiable.contains(mapped)) {
            cut[0] = true;
            return null;
          }
          return mapped;
        };
        object.forEach(field -> copy.put(field.getKey(), copied(field.getValue(), reference, embedded)));
        counts = counts.plus(write(target, path, copy.getString("id"), copy));
        deferred += cut[0] ? 1 : 0;
        copiedIds.add(object.getString("id"));
      }
      return new CopiedPage(new PageResult(page.nextCursor(), counts, copiedIds), deferred);
    });
  }

  private static Object copied(Object value, Function<Object, Object> reference, Function<String, String> embedded) {
    if (value instanceof JsonArray array) {
      return new JsonArray(array.stream().map(reference).filter(Objects::nonNull).collect(Collectors.toList()));
    }
    if (value instanceof JsonObject freeForm) {
      return EmbeddedIds.replace(freeForm, embedded);
    }
    var mapped = reference.apply(value);
    return mapped == null ? value : mapped;
  }

  @Override
  public Future<Set<String>> existing(String organization, Collection<String> ids) {
    var here = objectIds(organization);
    return Future.succeededFuture(ids.stream().filter(id -> here.contains(id.toLowerCase())).collect(Collectors.toSet()));
  }

  /** The objects written with a secret, as {@code path/id}: secrets are never copied, a copy makes its own. */
  Set<String> secretsWritten() {
    return Set.copyOf(secretsWritten);
  }

  /** The ids, in lower case, of {@code organization}'s objects of every kind but its members (user ids). */
  Set<String> objectIds(String organization) {
    var ids = new HashSet<String>();
    organizations.getOrDefault(organization, Map.of()).forEach((kind, objects) -> {
      if (!kind.equals("users")) {
        objects.keySet().forEach(id -> ids.add(id.toLowerCase()));
      }
    });
    return ids;
  }

  @Override
  public Future<Counts> put(String organization, String path, String id, JsonObject body) {
    return Future.succeededFuture(write(organization, path, id, body));
  }

  /** {@code POST users {userIds, roles}} adds members (an existing member is left as is); other paths create. */
  @Override
  public Future<JsonObject> post(String organization, String path, JsonObject body) {
    if (!path.equals("users")) {
      var id = UUID.randomUUID().toString();
      write(organization, path, id, body);
      return Future.succeededFuture(objects(organization, path).get(id).copy());
    }
    var members = objects(organization, "users");
    long added = 0;
    for (var userId : body.getJsonArray("userIds", new JsonArray())) {
      if (members.putIfAbsent((String) userId, new JsonObject().put("userId", userId)
          .put("roles", body.getJsonArray("roles", new JsonArray().add("member")).copy())) == null) {
        added++;
      }
    }
    var unchanged = body.getJsonArray("userIds", new JsonArray()).size() - added;
    return Future.succeededFuture(new JsonObject().put("added", added).put("unchanged", unchanged));
  }

  private Counts write(String organization, String path, String id, JsonObject body) {
    if (id == null) {
      throw new OrgApiException(400, "validation_failed", "an imported object needs an id", null);
    }
    if (path.equals("users")) {
      return importMember(organization, id, body.getJsonArray("roles", new JsonArray()));
    }
    var stored = body.copy().put("id", id);
    if (stored.remove("secret") != null) {
      secretsWritten.add(path + "/" + id);
    }
    var previous = objects(organization, path).put(id, stored);
    if (previous == null) {
      return new Counts(1, 0, 0);
    }
    return previous.equals(stored) ? new Counts(0, 0, 1) : new Counts(0, 1, 0);
  }

  /** Importing a member adds them, or gives a member already there the imported roles; an owner stays as they are. */
  private Counts importMember(String organization, String userId, JsonArray roles) {
    var members = objects(organization, "users");
    var previous = members.get(userId);
    if (previous == null) {
      members.put(userId, new JsonObject().put("userId", userId).put("roles", roles.copy()));
      return new Counts(1, 0, 0);
    }
    if (previous.getJsonArray("roles").contains("owner") || previous.getJsonArray("roles").equals(roles)) {
      return new Counts(0, 0, 1);
    }
    previous.put("roles", roles.copy());
    return new Counts(0, 1, 0);
  }

  /**
   * What a list shows: no secret (a template written with one keeps it, unshown, as the service does), and teams
   * without their member ids, which have a list of their own, unless asked for them ({@code ?include=userIds}:
   * then in the order of their text, as the service gives them).
   */
  private static JsonObject listed(String path, JsonObject stored, boolean withMemberIds) {
    var copy = stored.copy();
    copy.remove("secret");
    if (path.equals("groups")) {
      var memberIds = copy.getJsonArray("userIds", new JsonArray()).stream().map(String.class::cast).sorted().toList();
      copy.remove("userIds");
      if (withMemberIds) {
        copy.put("userIds", new JsonArray(memberIds));
      }
    }
    return copy;
  }

  /** Reading never creates: a dry run must leave the store exactly as it was. */
  private TreeMap<String, JsonObject> stored(String organization, String path) {
    return organizations.getOrDefault(organization, Map.of()).getOrDefault(path, new TreeMap<>());
  }

  private TreeMap<String, JsonObject> teamMembers(String organization, String teamId) {
    var members = new TreeMap<String, JsonObject>();
    var team = stored(organization, "groups").get(teamId);
    if (team != null) {
      team.getJsonArray("userIds", new JsonArray())
          .forEach(userId -> members.put((String) userId, new JsonObject().put("userId", userId)));
    }
    return members;
  }
}
