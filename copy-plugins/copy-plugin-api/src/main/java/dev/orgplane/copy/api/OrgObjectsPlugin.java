package dev.orgplane.copy.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * A plugin for one kind of org-service object that lists at {@code /v1/organizations/{org}/{path}}:
 * it reads the template a page at a time, by id ({@link #listPath}), maps each object to its copy
 * ({@link #toTarget}), and writes the page in one import call ({@link #write}). Plan and diff compare the
 * {@code copiedFields} of the copy the template would give with what the target holds; the diff tells a copy the
 * tenant changed from one whose template object changed by the times both list ({@link ChangeTimes}). A subclass
 * states what differs for its kind: how references are remapped, how a page is written, what a listing leaves out.
 */
public abstract class OrgObjectsPlugin implements CopyPlugin {

  /**
   * The most objects of one kind a plan or a diff holds of one organization, where it compares with the whole list:
   * a plan the target's (indexed once per run), a diff the template's, their copies and the target's. A member parsed
   * is about 1.3 KB, so a diff of one kind at this bound holds about 20 MB and a plan's index about 6.5 MB: an engine's
   * 4 diffs and 4 dry runs ({@code ORGPLANE_ENGINE_DIFFS}, {@code ORGPLANE_ENGINE_WORKERS}) about 105 MB, which leaves
   * half of a 256 MB heap to the template's kept pages and the pages in flight. Past it the plan or diff fails
   * {@value #TEMPLATE_TOO_LARGE} or {@value #TARGET_TOO_LARGE} once it has read that far, rather than run the engine
   * out of heap (org-service bounds no organization's members). A copy reads a page at a time and is not bound.
   */
  public static final int MAX_HELD_OBJECTS = 5_000;

  /** The code a diff fails with whose template has more than {@value #MAX_HELD_OBJECTS} objects of a kind. */
  public static final String TEMPLATE_TOO_LARGE = "template_too_large";

  /** The code a plan or diff fails with whose target has more than {@value #MAX_HELD_OBJECTS} objects of a kind. */
  public static final String TARGET_TOO_LARGE = "target_too_large";

  /** A batch import names a bad item as {@code items[i].field}. */
  private static final Pattern ITEM = Pattern.compile("items\\[(\\d+)]");
  /** A copy made by org-service names the template object at fault as {@code objects[id].field}. */
  private static final Pattern OBJECT = Pattern.compile("objects\\[([0-9a-fA-F-]{36})]");
  private static final String NAME = "name";
  /**
   * The kinds org-service lists by name unless asked by id ({@code order=id}): roles and teams. It lists the others by
   * id, and takes no {@code order} there.
   */
  private static final Set<String> LISTED_BY_NAME = Set.of("roles", "groups");

  private final String id;
  private final String path;
  private final Set<String> dependsOn;
  private final List<String> copiedFields;
  /** The code org-service refuses a name taken in the organization with; {@code null}: names need not be unique. */
  private final String nameTakenCode;

  protected OrgObjectsPlugin(String id, String path, Set<String> dependsOn, List<String> copiedFields) {
    this(id, path, dependsOn, copiedFields, null);
  }

  /**
   * A kind whose {@code name} is unique in an organization, a taken one refused with {@code nameTakenCode}: a plan
   * fails with it where the copy would be refused a name ({@link #plan}).
   */
  protected OrgObjectsPlugin(String id, String path, Set<String> dependsOn, List<String> copiedFields,
      String nameTakenCode) {
    this.id = id;
    this.path = path;
    this.dependsOn = Set.copyOf(dependsOn);
    this.copiedFields = List.copyOf(copiedFields);
    this.nameTakenCode = nameTakenCode;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> dependsOn() {
    return dependsOn;
  }

  /** Where the kind lists, below {@code /v1/organizations/{org}/}. */
  protected String path() {
    return path;
  }

  /**
   * Where the kind lists with what a copy needs of it: by default {@link #path()}, what it shows anyway, by id. A name
   * can change between two pages of a copy, and a template object renamed moves past the copy's cursor (never copied,
   * the job still succeeding) or back before it (copied twice); an id never changes. An override that asks for more
   * ({@code groups?include=userIds}) asks {@code order=id} too where the kind lists by name.
   */
  protected String listPath() {
    return LISTED_BY_NAME.contains(path) ? path + "?order=id" : path;
  }

  /** The copy of template object {@code source}: its {@code copiedFields} with references remapped, and its id. */
  protected Future<JsonObject> toTarget(CopyContext context, JsonObject source) {
    return Future.succeededFuture(copiedFieldsOf(source).put("id", targetId(context, sourceId(source))));
  }

  /** Writes a page of copies; by default with the kind's batch import. */
  protected Future<Counts> write(CopyContext context, List<JsonObject> copies) {
    return context.org().importBatch(context.targetOrganization(), path, copies, context.existing());
  }

  /** Adds to a listed object what the list leaves out but a copy needs (none by default). */
  protected Future<JsonObject> complete(CopyContext context, String organization, JsonObject listed) {
    return Future.succeededFuture(listed);
  }

  protected String sourceId(JsonObject object) {
    return object.getString("id");
  }

  protected String targetId(CopyContext context, String sourceId) {
    return context.ids().copyOf(sourceId);
  }

  /**
   * The {@code copiedFields} of {@code object}, copied at every depth: listed objects are shared with other jobs
   * ({@link OrgApi#list}), so a subclass may change what this answers without changing another tenant's copy.
   */
  protected final JsonObject copiedFieldsOf(JsonObject object) {
    var copy = new JsonObject();
    copiedFields.forEach(field -> {
      if (object.containsKey(field)) {
        copy.put(field, object.getValue(field));
      }
    });
    return copy.copy();
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copyPage(context, from.cursor(), this::write);
  }

  /**
   * Lets org-service copy the page after {@code cursor} itself ({@link OrgApi#copyPage}), for kinds it
   * copies by the same rules as {@link #toTarget}: one call per page, and no object leaves the
   * database. Plan and diff still go through {@link #toTarget}, which is how a test proves both agree.
   */
  protected final Future<OrgApi.CopiedPage> copyInService(CopyContext context, String cursor) {
    return copyInService(context, cursor, false);
  }

  /** {@link #copyInService(CopyContext, String)}, the copies given their template objects' secrets if asked. */
  protected final Future<OrgApi.CopiedPage> copyInService(CopyContext context, String cursor, boolean copySecrets) {
    return copyInService(context, cursor, copySecrets, Set.of());
  }

  /**
   * {@link #copyInService(CopyContext, String, boolean)} for a kind whose free-form data may name other objects: once
   * every plugin earlier in the run order has finished, with the objects they copied into other systems
   * ({@link IdFunction#copiedElsewhere}, read once per run of the plugin), so that org-service remaps every id
   * {@link IdFunction#remapEmbedded}, which plan and diff ask, remaps.
   */
  protected final Future<OrgApi.CopiedPage> copyInServiceRemapping(CopyContext context, String cursor,
      boolean copySecrets) {
    return context.once(id + ".copiedElsewhere", () -> context.ids().copiedElsewhere())
        .compose(copiedElsewhere -> copyInService(context, cursor, copySecrets, copiedElsewhere));
  }

  private Future<OrgApi.CopiedPage> copyInService(CopyContext context, String cursor, boolean copySecrets,
      Set<String> copiedElsewhere) {
    return context.org().copyPage(context.sourceOrganization(), context.targetOrganization(), path, cursor,
            context.copyPageSize(), copySecrets, context.existing(), copiedElsewhere)
        .map(copied -> new OrgApi.CopiedPage(unrecorded(copied.result()), copied.deferred()))
        .recover(failure -> Future.failedFuture(blame(failure, List.of())));
  }

  /** The page without its template ids: its copies are in org-service, which answers for them itself. */
  private static PageResult unrecorded(PageResult page) {
    return new PageResult(page.nextCursor(), page.counts(), List.of());
  }

  /**
   * Copies the page after {@code cursor} with {@code writer}. A refused write becomes a
   * {@link CopyFailure} naming the template object the service complained about. The copies are in
   * org-service, so the result names no template ids for the engine's record ({@link PageResult}).
   */
  protected final Future<PageResult> copyPage(CopyContext context, String cursor,
      BiFunction<CopyContext, List<JsonObject>, Future<Counts>> writer) {
    return sourcePage(context, cursor).compose(page -> copies(context, page.items())
        .compose(copies -> copies.isEmpty() ? Future.succeededFuture(Counts.ZERO) : writer.apply(context, copies))
        .recover(failure -> Future.failedFuture(blame(failure, page.items())))
        .map(counts -> new PageResult(page.nextCursor(), counts, List.of())));
  }

  private Throwable blame(Throwable failure, List<JsonObject> sources) {
    if (!(failure instanceof OrgApiException refused) || refused.retryable()) {
      return failure;
    }
    String objectId = null;
    for (var error : refused.errors()) {
      var field = String.valueOf(((JsonObject) error).getString("field"));
      var item = ITEM.matcher(field);
      var object = OBJECT.matcher(field);
      if (item.lookingAt() && Integer.parseInt(item.group(1)) < sources.size()) {
        objectId = sourceId(sources.get(Integer.parseInt(item.group(1))));
        break;
      }
      if (object.lookingAt()) {
        objectId = object.group(1);
        break;
      }
    }
    if (objectId == null && sources.size() == 1) {
      objectId = sourceId(sources.get(0));
    }
    return new CopyFailure(refused.code(), refused.detail(), objectId);
  }

  /**
   * Compares each page with the whole target, indexed once per run ({@link CopyContext#once}): a dry run writes
   * nothing, so the target stays as it was. Until session 27 every page read the whole target again, a cost of pages
   * times the target's size (the engine's cache of a dry run's target holds no more than its bound of objects). A page
   * whose copy the target would refuse a name fails as the copy does ({@link #requireNamesFree}).
   */
  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return sourcePage(context, from.cursor()).compose(page -> copies(context, page.items())
        .compose(copies -> context.once(id + ".targetIndex", () -> targetIndex(context).map(TargetIndex::of))
            .compose(target -> requireNamesFree(context, page.items(), copies, target).map(free -> {
              long created = 0;
              long updated = 0;
              long leftOut = 0;
              for (var copy : copies) {
                var current = target.byId().get(targetIdOf(copy));
                if (leftOut(context, copy)) {
                  leftOut++;
                } else if (current == null) {
                  created++;
                } else if (context.existing() == Existing.UPDATE && !same(context, copy, current)) {
                  updated++;
                }
              }
              return new PageResult(page.nextCursor(),
                  new Counts(created, updated, copies.size() - leftOut - created - updated),
                  page.items().stream().map(this::sourceId).toList());
            }))));
  }

  /** The target's objects by id, and by name the ids holding each name. */
  private record TargetIndex(Map<String, JsonObject> byId, Map<String, String> holderOfName) {

    static TargetIndex of(Map<String, JsonObject> byId) {
      var holders = new HashMap<String, String>();
      byId.forEach((objectId, object) -> {
        if (object.getValue(NAME) instanceof String name) {
          holders.put(name, objectId);
        }
      });
      return new TargetIndex(byId, holders);
    }
  }

  /**
   * Fails as the copy would where one of {@code copies} takes a name (a new copy, or one whose template object was
   * renamed) that the target holds with an object the run leaves holding it: one the tenant made itself, a copy of a
   * template object deleted since, or any copy when the run keeps copies as they are. A copy of another template
   * object, renamed too, gives the name up (the real run moves it aside first), so it stops no plan. Until session 33
   * a plan counted such a copy created or updated where the run fails; the template is read (once per run) only when
   * a name wanted is held.
   */
  private Future<Void> requireNamesFree(CopyContext context, List<JsonObject> sources, List<JsonObject> copies,
      TargetIndex target) {
    var held = new ArrayList<Integer>();
    for (int i = 0; nameTakenCode != null && i < copies.size(); i++) {
      var copy = copies.get(i);
      var current = target.byId().get(targetIdOf(copy));
      var wanted = copy.getValue(NAME);
      var renames = current == null || context.existing() == Existing.UPDATE && !Objects.equals(wanted,
          current.getValue(NAME));
      var holder = target.holderOfName().get(wanted);
      if (renames && holder != null && !holder.equals(targetIdOf(copy))) {
        held.add(i);
      }
    }
    if (held.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Map<String, Object>> templateNameOfCopy = context.existing() == Existing.KEEP
        ? Future.succeededFuture(Map.of())
        : context.once(id + ".templateNames", () -> {
          var nameOfCopy = new HashMap<String, Object>();
          return context.org().forEachPage(context.sourceOrganization(), listPath(), objects -> {
            objects.forEach(object -> nameOfCopy.put(targetId(context, sourceId(object)), object.getValue(NAME)));
            return Future.succeededFuture();
          }).<Map<String, Object>>map(read -> nameOfCopy);
        });
    return templateNameOfCopy.compose(nameOfCopy -> {
      for (var i : held) {
        var wanted = copies.get(i).getString(NAME);
        var holder = target.holderOfName().get(wanted);
        if (!nameOfCopy.containsKey(holder) || wanted.equals(nameOfCopy.get(holder))) {
          return Future.failedFuture(new CopyFailure(nameTakenCode, "The target's " + id + " named " + wanted
              + " keeps its name, which the copy of this template object would take.", sourceId(sources.get(i))));
        }
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return all(context, context.sourceOrganization(), TEMPLATE_TOO_LARGE)
        .compose(sources -> copies(context, sources).compose(copies -> targetIndex(context).map(existing -> {
          var missing = new ArrayList<String>();
          var changed = new ArrayList<String>();
          var tenantChanged = new ArrayList<String>();
          var expected = new HashMap<String, JsonObject>();
          for (int i = 0; i < copies.size(); i++) {
            var copy = copies.get(i);
            expected.put(targetIdOf(copy), copy);
            var current = existing.get(targetIdOf(copy));
            if (leftOut(context, copy)) {
              continue;
            }
            if (current == null) {
              missing.add(sourceId(sources.get(i)));
            } else if (!same(context, copy, current)) {
              var tenants = ChangeTimes.writtenSinceTemplateChanged(current, sources.get(i));
              (tenants ? tenantChanged : changed).add(targetIdOf(copy));
            }
          }
          var extra = existing.entrySet().stream()
              .filter(entry -> !expected.containsKey(entry.getKey()) && !outsideTheCopy(entry.getValue())
                  && !madeByAnotherPlugin(context, entry.getValue()))
              .map(Map.Entry::getKey).sorted().toList();
          return new KindDiff(id, missing, extra, changed, tenantChanged);
        })));
  }

  /** The key a copy is found by in the target's listing: its id (members override: their user id). */
  protected String targetIdOf(JsonObject copy) {
    return copy.getString("id");
  }

  /**
   * Whether writing {@code copy} leaves {@code current} (the target's object, as listed) as it is: plan counts it
   * unchanged and diff finds no drift exactly when the copy would count it so. By default its {@code copiedFields}
   * are equal; a kind the service compares otherwise (a set in any order, an object an import never changes) says so
   * here, or plan and diff report a change no copy makes.
   */
  protected boolean same(JsonObject copy, JsonObject current) {
    return copiedFields.stream().allMatch(field -> Objects.equals(copy.getValue(field), current.getValue(field)));
  }

  /**
   * {@link #same(JsonObject, JsonObject)} in the run of {@code context}, what plan and diff ask: a kind whose import
   * leaves part of an object as it is for one run and not another says so here (teams: the members org-service
   * withholds, {@link CopyContext#withheldMembers}).
   */
  protected boolean same(CopyContext context, JsonObject copy, JsonObject current) {
    return same(copy, current);
  }

  /**
   * Whether the service leaves {@code copy} out of the target whatever the template holds, so that a plan counts it in
   * none of created, updated, unchanged and a diff finds it neither missing, changed nor extra, as the copy leaves it
   * (none by default; members: {@link CopyContext#withheldMembers}).
   */
  protected boolean leftOut(CopyContext context, JsonObject copy) {
    return false;
  }

  /**
   * Whether {@code current}, an object of the target that is no copy (as listed), belongs to the target whatever the
   * template holds: no copy makes, changes or takes it away, so the diff does not count it {@code extra} (none by
   * default; members: an owner of the target, whom its creation or an accepted invitation made, not the copy). An
   * object another plugin of the run made and marked ({@link PluginMark}) is never extra either, whatever this
   * answers.
   */
  protected boolean outsideTheCopy(JsonObject current) {
    return false;
  }

  /**
   * Whether another plugin of the run marked {@code current} as its own ({@link PluginMark}): its diff answers for it.
   * Until session 33 any mark did, so that of a plugin since removed, or one a tenant wrote, hid an object from
   * every diff.
   */
  private boolean madeByAnotherPlugin(CopyContext context, JsonObject current) {
    var maker = PluginMark.of(current);
    return maker != null && !maker.equals(id) && context.runningPlugins().contains(maker);
  }

  /** {@code object} with its list {@code field} as a sorted set, for a {@link #same} that compares it so. */
  protected static JsonObject withSetOf(JsonObject object, String field) {
    var list = object.getJsonArray(field);
    if (list == null) {
      return object;
    }
    return object.copy().put(field, new JsonArray(list.stream().map(String::valueOf).distinct().sorted().toList()));
  }

  private Future<OrgApi.Page> sourcePage(CopyContext context, String cursor) {
    return context.org().list(context.sourceOrganization(), listPath(), cursor, context.pageSize())
        .compose(page -> completeAll(context, context.sourceOrganization(), page.items())
            .map(items -> new OrgApi.Page(items, page.nextCursor())));
  }

  /**
   * The copies of template objects {@code sources} (a page, or all of them in a diff): by default {@link #toTarget}
   * of each. A kind whose copies need something read once per page, not once per object, overrides this.
   */
  protected Future<List<JsonObject>> copies(CopyContext context, List<JsonObject> sources) {
    return Future.all(sources.stream().map(source -> toTarget(context, source)).toList()).map(all -> all.list());
  }

  private Future<Map<String, JsonObject>> targetIndex(CopyContext context) {
    if (context.targetOrganization() == null) {
      return Future.succeededFuture(Map.of());
    }
    return all(context, context.targetOrganization(), TARGET_TOO_LARGE).map(items -> {
      var index = new HashMap<String, JsonObject>();
      items.forEach(item -> index.put(sourceId(item), item));
      return index;
    });
  }

  private Future<List<JsonObject>> completeAll(CopyContext context, String organization, List<JsonObject> listed) {
    return Future.all(listed.stream().map(item -> complete(context, organization, item)).toList())
        .map(all -> all.list());
  }

  /**
   * Every object of the kind in {@code organization}, completed, or a failure with {@code tooLarge} once there are
   * more than {@value #MAX_HELD_OBJECTS}. Plan and diff only: copy streams.
   */
  private Future<List<JsonObject>> all(CopyContext context, String organization, String tooLarge) {
    var all = new ArrayList<JsonObject>();
    return context.org().forEachPage(organization, listPath(), page -> all.size() + page.size() > MAX_HELD_OBJECTS
        ? Future.failedFuture(new CopyFailure(tooLarge, "Organization " + organization + " has more than "
            + MAX_HELD_OBJECTS + " " + id + ", the most a plan or a diff compares; a copy, which reads a page at a"
            + " time, has no such bound.", null))
        : completeAll(context, organization, page).map(all::addAll)).map(read -> all);
  }
}
