package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.HookAllowance;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * org-service as copy plugins see it, in memory: per organization and path, objects by id, listed a page at a time
 * in the service's order (roles and teams by name unless asked by id, {@code ?order=id}; the rest by id) with its
 * opaque cursors and its limits
 * ({@link ListPaging}), read-only as the engine's shared pages should be ({@link SharedJson}), and with what its lists
 * show besides ({@code createdAt}, {@code updatedAt}, see
 * {@link #listed}); imports and PUTs that refuse what the service refuses ({@link ImportRules}: unknown fields,
 * ids that are no UUIDs, batches of more than 500 or with an id twice, names taken) and count created, updated and
 * unchanged; copies of setup kinds made as the service makes them ({@link CopyRule}); members
 * ({@code users}, keyed by {@code userId}) added by importing {@code users} (which sets a member's roles, {@code member}
 * if it names none, an owner staying as they are) or {@code POST users} (which leaves a member as they are), never by
 * a {@code PUT} (405, as in the service); team member lists
 * ({@code groups/{id}/users}) from each team's {@code userIds}, which {@code groups?include=userIds} shows (an import
 * item without them leaves a team's as they are). Secrets
 * are write-only, as in the service: never listed, and those a plugin writes are not stored (only noted, see
 * {@link #secretsWritten}); a template's, as written, stay with it, and a copy holds its template object's only when
 * the copy was asked to carry it ({@link #secret}). References are refused as the service refuses them
 * ({@link ReferenceRules}): a queue's workspace and schema, a hook's queues and hooks to run after, a team's members
 * and a member's roles must be the organization's, so a plugin that writes before what it names is copied fails
 * here as it fails against the service. It is a stand-in for testing plugins, not a second org-service: it checks
 * no permissions, and no run-order cycles of hooks. It refuses writes that create hooks past its hook limit as the
 * service does (409 {@value HookAllowance#LIMIT_REACHED}, nothing written; org-service's default unless made with
 * {@link #InMemoryOrgApi(int)}), so a plugin's copy meets the refusal its dry run predicts.
 */
public final class InMemoryOrgApi implements OrgApi {

  /** org-service's default {@code ORGPLANE_HOOKS_PER_ORGANIZATION}: the hook limit of {@link #InMemoryOrgApi()}. */
  public static final int HOOKS_PER_ORGANIZATION = 2_000;

  private static final String SECRET = "secret";
  private static final Counts UNCHANGED = new Counts(0, 0, 1);

  private final Set<String> secretsWritten = new HashSet<>();
  private final WriteTimes times = new WriteTimes();
  private final Map<String, Map<String, TreeMap<String, JsonObject>>> organizations = new HashMap<>();
  private final int hooksPerOrganization;

  public InMemoryOrgApi() {
    this(HOOKS_PER_ORGANIZATION);
  }

  /** One whose organizations may have {@code hooksPerOrganization} hooks, as org-service configured so would. */
  public InMemoryOrgApi(int hooksPerOrganization) {
    this.hooksPerOrganization = hooksPerOrganization;
  }

  /** The objects of {@code path} in {@code organization}, by id (or user id, for members). */
  public TreeMap<String, JsonObject> objects(String organization, String path) {
    return organizations.computeIfAbsent(organization, o -> new HashMap<>()).computeIfAbsent(path, p -> new TreeMap<>());
  }

  /**
   * Replaces stored object {@code id} of {@code path} by {@code changed}, as an administrator's edit in the service
   * would: its {@code updatedAt} moves. (What a test puts into {@link #objects} directly keeps its times.)
   */
  public void edit(String organization, String path, String id, JsonObject changed) {
    objects(organization, path).put(id, changed);
    times.updated(organization, path, id);
  }

  /** Another org API holding a deep copy of everything this one holds. */
  public InMemoryOrgApi copy() {
    var copy = new InMemoryOrgApi(hooksPerOrganization);
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
    return answer(() -> {
      ListPaging.checkLimit(limit, ListPaging.MAX_LIMIT);
      var query = ListQuery.of(listed);
      var path = query.path();
      var teamMembers = path.matches("groups/[^/]+/users");
      var page = teamMembers ? page(teamMembers(organization, path.split("/")[1]), false, cursor, limit)
          : page(organization, path, query.byId(), cursor, limit);
      var items = page.items().stream().map(item -> SharedJson.of(teamMembers ? item
          : listed(organization, path, item, query.withMemberIds()))).toList();
      return new Page(items, page.nextCursor());
    });
  }

  /** The stored objects of the page after {@code cursor}, as they are stored (not as a list shows them). */
  private Page page(String organization, String path, boolean byId, String cursor, int limit) {
    var byName = !byId && ServiceKind.of(path).map(ServiceKind::sortedByName).orElse(false);
    var source = stored(organization, path);
    if (!byName) {
      return page(source, false, cursor, limit);
    }
    var sorted = new TreeMap<String, JsonObject>();
    source.values().forEach(object -> sorted.put(object.getString("name"), object));
    return page(sorted, true, cursor, limit);
  }

  private static Page page(TreeMap<String, JsonObject> sorted, boolean byName, String cursor, int limit) {
    var after = cursor == null ? sorted : sorted.tailMap(ListPaging.keyOf(cursor, byName), false);
    var items = new ArrayList<JsonObject>();
    for (var entry : after.entrySet()) {
      if (items.size() == limit) {
        return new Page(items, ListPaging.cursorAfter(sorted.lowerKey(entry.getKey()), byName));
      }
      items.add(entry.getValue());
    }
    return new Page(items, null);
  }

  @Override
  public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
    return answer(() -> {
      var kind = ServiceKind.of(path);
      ImportRules.checkBatch(kind, items);
      kind.ifPresent(known -> ImportRules.checkNames(known, stored(organization, path), items,
          i -> "items[" + i + "].name"));
      var stored = stored(organization, path);
      var written = items.stream().filter(item -> existing == Existing.UPDATE || !stored.containsKey(item.getString("id")))
          .toList();
      kind.ifPresent(known -> ReferenceRules.checkWrite(known, kindOf -> stored(organization, kindOf), written, true));
      requireRoomForHooks(organization, path, written);
      var counts = Counts.ZERO;
      for (var item : items) {
        var id = item.getString("id");
        counts = counts.plus(existing == Existing.KEEP && stored.containsKey(id) ? UNCHANGED
            : write(organization, path, id, kind.map(known -> known.kept(item, stored.get(id))).orElse(item)));
      }
      return counts;
    });
  }

  /**
   * Copies as org-service does, by the kind's {@link CopyRule}: the copy's id is {@link IdFunction#nameBased} of
   * the target; its references name their copies; ids inside its free-form field are remapped when they name an
   * object of the source, one whose copy is in the target already or one of {@code copiedElsewhere} (more than
   * {@value IdFunction#MAX_COPIED_ELSEWHERE}, or one no UUID, is 400 {@code validation_failed}); a reference to an
   * object of the same kind whose copy is neither in the page nor in the target is left out (deferred). A new copy's
   * secret is one of its own (none here), an existing copy keeps the one it holds; with {@code copySecrets} every copy
   * holds its template object's, and any other kind than hooks is 400 {@code validation_failed}. Setup kinds only.
   */
  @Override
  public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
      boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
    var kind = ServiceKind.of(path).filter(known -> known.copy() != null);
    if (kind.isEmpty()) {
      return Future.failedFuture(new UnsupportedOperationException("org-service copies setup kinds only, not " + path));
    }
    return answer(() -> {
      ListPaging.checkLimit(limit, ListPaging.MAX_COPY_PAGE);
      if (copySecrets && !kind.get().fields().contains(SECRET)) {
        throw invalidField("copySecrets", "only hooks have secrets");
      }
      if (copiedElsewhere.size() > IdFunction.MAX_COPIED_ELSEWHERE
          || !copiedElsewhere.stream().allMatch(EmbeddedIds::isUuid)) {
        throw invalidField("copiedElsewhere", "must hold at most " + IdFunction.MAX_COPIED_ELSEWHERE + " UUIDs");
      }
      var elsewhere = copiedElsewhere.stream().map(String::toLowerCase).collect(Collectors.toSet());
      var page = page(source, path, false, cursor, limit);
      var copyOf = IdFunction.nameBasedIn(target);
      var sourceObjects = objectIds(source);
      var targetObjects = objectIds(target);
      var satisfiable = new HashSet<>(stored(target, path).keySet());
      page.items().forEach(object -> satisfiable.add(copyOf.apply(object.getString("id"))));
      Function<String, String> embedded = id -> sourceObjects.contains(id) || targetObjects.contains(copyOf.apply(id))
          || elsewhere.contains(id) ? copyOf.apply(id) : null;
      var copied = page.items().stream().map(object -> kind.get().copy().copy(object, copyOf, satisfiable, embedded))
          .toList();
      var copies = copied.stream().map(CopyRule.Copied::copy).toList();
      ImportRules.checkNames(kind.get(), stored(target, path), copies,
          i -> "objects[" + page.items().get(i).getString("id") + "].name");
      var targetStored = stored(target, path);
      var sourceIds = page.items().stream().map(object -> object.getString("id")).toList();
      var written = new ArrayList<JsonObject>();
      var writtenSourceIds = new ArrayList<String>();
      for (int i = 0; i < copies.size(); i++) {
        if (existing == Existing.UPDATE || !targetStored.containsKey(copies.get(i).getString("id"))) {
          written.add(copies.get(i));
          writtenSourceIds.add(sourceIds.get(i));
        }
      }
      ReferenceRules.checkCopies(kind.get(), kindOf -> stored(target, kindOf), written, writtenSourceIds);
      requireRoomForHooks(target, path, written);
      var counts = Counts.ZERO;
      for (int i = 0; i < copies.size(); i++) {
        if (existing == Existing.KEEP && targetStored.containsKey(copies.get(i).getString("id"))) {
          counts = counts.plus(completeDeferred(source, target, path, kind.get().copy().sameKindList(),
              page.items().get(i).getString("id"), copies.get(i)));
          continue;
        }
        var templateSecret = page.items().get(i).getString(SECRET);
        if (copySecrets && templateSecret != null) {
          copies.get(i).put(SECRET, templateSecret);
        }
        counts = counts.plus(store(target, path, copies.get(i)));
      }
      return new CopiedPage(new PageResult(page.nextCursor(), counts, sourceIds),
          copied.stream().filter(CopyRule.Copied::deferred).count());
    });
  }

  /**
   * An existing copy that {@code existing: "keep"} leaves as it is, but for the references to its own kind it lacks,
   * left out (deferred) when it was made: a copy nobody changed since it was made, of template object
   * {@code sourceId} as it is now (not changed since), whose list {@code copy}'s holds and more, takes {@code copy}'s
   * list, as in the service.
   */
  private Counts completeDeferred(String source, String target, String path, String sameKindList, String sourceId,
      JsonObject copy) {
    var stored = stored(target, path).get(copy.getString("id"));
    var copyTimes = times.of(target, path, copy.getString("id"));
    if (sameKindList == null || !copyTimes.untouched()
        || times.of(source, path, sourceId).updated().isAfter(copyTimes.created())) {
      return UNCHANGED;
    }
    var have = stored.getJsonArray(sameKindList, new JsonArray());
    var want = copy.getJsonArray(sameKindList, new JsonArray());
    if (!want.getList().containsAll(have.getList()) || have.size() == want.size()) {
      return UNCHANGED;
    }
    stored.put(sameKindList, want.copy());
    times.updated(target, path, copy.getString("id"));
    return new Counts(0, 1, 0);
  }

  /** 400 {@code validation_failed} naming {@code field}, as org-service refuses a request's field. */
  private static OrgApiException invalidField(String field, String message) {
    return new OrgApiException(400, "validation_failed", field + ": " + message,
        new JsonArray().add(new JsonObject().put("field", field).put("message", message)));
  }

  /** A failure the service would answer with, as a failed future rather than thrown at the caller. */
  private static <T> Future<T> answer(Supplier<T> call) {
    try {
      return Future.succeededFuture(call.get());
    } catch (OrgApiException refused) {
      return Future.failedFuture(refused);
    }
  }

  @Override
  public Future<Set<String>> existing(String organization, Collection<String> ids) {
    var here = objectIds(organization);
    return Future.succeededFuture(ids.stream().filter(id -> here.contains(id.toLowerCase())).collect(Collectors.toSet()));
  }

  @Override
  public Future<HookAllowance> hookAllowance(String organization) {
    return Future.succeededFuture(allowance(organization));
  }

  private HookAllowance allowance(String organization) {
    return new HookAllowance(hooksPerOrganization, stored(organization, "hooks").size());
  }

  /** Refuses, as org-service does, a write of {@code written} that creates hooks past the limit. */
  private void requireRoomForHooks(String organization, String path, List<JsonObject> written) {
    if (!path.equals("hooks")) {
      return;
    }
    var stored = stored(organization, path);
    var created = written.stream().filter(object -> !stored.containsKey(object.getString("id"))).count();
    allowance(organization).refusalOf(created).ifPresent(refused -> {
      throw refused;
    });
  }

  /**
   * The objects a plugin wrote with a secret, as {@code path/id}: a plugin never sees a secret (they are write-only),
   * so one it writes is made up, and a copy that needs its template's asks the service to carry it.
   */
  Set<String> secretsWritten() {
    return Set.copyOf(secretsWritten);
  }

  /**
   * What the service keeps of an object's write-only secret and never shows, for a test to compare: a template's as
   * written, a copy's its template object's if the copy carried it, else {@code null} (one of its own, nobody knows).
   */
  public String secret(String organization, String path, String id) {
    return stored(organization, path).getOrDefault(id, new JsonObject()).getString(SECRET);
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

  /**
   * {@code PUT {path}/{id}}, create or replace, as the service answers it. A member is no such object: org-service
   * sets their roles with {@code PUT users/{uid}/roles} and takes {@code PUT users/{uid}} as no route (405
   * {@code method_not_allowed}, the path taking {@code GET} and {@code DELETE} only). Until session 32 the kit made
   * a member of it, so a plugin writing members so passed here and failed every job under the engine.
   */
  @Override
  public Future<Counts> put(String organization, String path, String id, JsonObject body) {
    if (path.equals("users")) {
      return Future.failedFuture(new OrgApiException(405, "method_not_allowed",
          "PUT is not allowed on /v1/organizations/" + organization + "/users/" + id, null));
    }
    return answer(() -> {
      var kind = ServiceKind.of(path);
      ImportRules.checkOne(kind, body);
      var object = body.copy().put("id", id);
      kind.ifPresent(known -> ImportRules.checkNames(known, stored(organization, path), List.of(object), i -> "name"));
      kind.ifPresent(known -> ReferenceRules.checkWrite(known, kindOf -> stored(organization, kindOf), List.of(object),
          false));
      requireRoomForHooks(organization, path, List.of(object));
      return write(organization, path, id, object);
    });
  }

  /** {@code POST users {userIds, roles}} adds members (an existing member is left as is); other paths create. */
  @Override
  public Future<JsonObject> post(String organization, String path, JsonObject body) {
    if (!path.equals("users")) {
      var id = UUID.randomUUID().toString();
      return put(organization, path, id, body).map(created -> listed(organization, path, objects(organization, path)
          .get(id), false));
    }
    return answer(() -> {
      var roles = joiningRoles(body);
      ReferenceRules.checkWrite(ServiceKind.USERS, kindOf -> stored(organization, kindOf),
          List.of(new JsonObject().put("roles", roles)), false);
      var members = objects(organization, "users");
      long added = 0;
      for (var userId : body.getJsonArray("userIds", new JsonArray())) {
        if (members.putIfAbsent((String) userId, new JsonObject().put("userId", userId).put("roles", roles.copy()))
            == null) {
          added++;
        }
      }
      var unchanged = body.getJsonArray("userIds", new JsonArray()).size() - added;
      return new JsonObject().put("added", added).put("unchanged", unchanged);
    });
  }

  private Counts write(String organization, String path, String id, JsonObject body) {
    if (id == null) {
      throw new OrgApiException(400, "validation_failed", "an imported object needs an id", null);
    }
    if (path.equals("users")) {
      return importMember(organization, id, joiningRoles(body));
    }
    var stored = body.copy().put("id", id);
    if (stored.remove(SECRET) != null) {
      secretsWritten.add(path + "/" + id);
    }
    return store(organization, path, stored);
  }

  /**
   * Stores an object (with its id) and counts what that did. One written without a secret keeps the secret it has,
   * as the service keeps it when a replace gives none; one that says what the stored one says (its kind's unordered
   * lists in any order) leaves it as it is.
   */
  private Counts store(String organization, String path, JsonObject stored) {
    var id = stored.getString("id");
    var objects = objects(organization, path);
    var previous = objects.get(id);
    if (previous != null && !stored.containsKey(SECRET) && previous.containsKey(SECRET)) {
      stored.put(SECRET, previous.getValue(SECRET));
    }
    if (previous != null && ServiceKind.of(path).map(kind -> kind.same(previous, stored))
        .orElse(previous.equals(stored))) {
      return UNCHANGED;
    }
    objects.put(id, stored);
    if (previous == null) {
      times.created(organization, path, id);
      return new Counts(1, 0, 0);
    }
    times.updated(organization, path, id);
    return new Counts(0, 1, 0);
  }

  /**
   * The roles a member added or imported is given: those {@code body} names, {@code member} when it names none (no
   * {@code roles}, null or empty), as org-service's {@code MembershipRoutes} gives them.
   */
  private static JsonArray joiningRoles(JsonObject body) {
    var roles = body.getJsonArray("roles");
    return roles == null || roles.isEmpty() ? new JsonArray().add("member") : roles;
  }

  /**
   * Importing a member adds them, or gives a member already there the imported roles (the same in another order are
   * no change); an owner stays as they are.
   */
  private Counts importMember(String organization, String userId, JsonArray roles) {
    var members = objects(organization, "users");
    var previous = members.get(userId);
    if (previous == null) {
      members.put(userId, new JsonObject().put("userId", userId).put("roles", roles.copy()));
      times.created(organization, "users", userId);
      return new Counts(1, 0, 0);
    }
    if (previous.getJsonArray("roles").contains("owner")
        || ServiceKind.USERS.same(previous, previous.copy().put("roles", roles))) {
      return UNCHANGED;
    }
    previous.put("roles", roles.copy());
    times.updated(organization, "users", userId);
    return new Counts(0, 1, 0);
  }

  /**
   * What a list shows: no secret (a template written with one keeps it, unshown, as the service does), the times
   * the service keeps ({@link WriteTimes}), a team's member count and, asked for them ({@code ?include=userIds}), its
   * member ids, in the order of their text as the service gives them (they have a list of their own), and of a
   * role that it is no predefined one.
   */
  private JsonObject listed(String organization, String path, JsonObject stored, boolean withMemberIds) {
    var copy = stored.copy();
    copy.remove(SECRET);
    if (path.equals("groups")) {
      var memberIds = copy.getJsonArray("userIds", new JsonArray()).stream().map(String.class::cast).sorted().toList();
      copy.remove("userIds");
      copy.put("memberCount", memberIds.size());
      if (withMemberIds) {
        copy.put("userIds", new JsonArray(memberIds));
      }
    }
    if (path.equals("roles")) {
      copy.put("predefined", false);
    }
    return times.stamp(copy, organization, path, path.equals("users") ? stored.getString("userId")
        : stored.getString("id"));
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
