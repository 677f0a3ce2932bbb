package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.EmbeddedIds;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * What an administrator does to a template while a copy pages through it, to objects of one kind: the object last
 * by name is renamed to sort first (or, of a kind without names, changed as the contract changes objects), one like
 * it is added, and one no other object names is deleted. Where a list sorts by name, the renamed object moves from
 * after the copy's cursor to before it: a copy paging by name never sees it, and succeeds without it. Ids never
 * change, so a copy paging by id sees every object that was there all along.
 *
 * @param renamed the id of the object renamed (or changed)
 * @param added the id of the object added, which a copy may find or not, depending on where it sorts
 * @param deleted the id of the object deleted
 */
record MidCopyChange(String renamed, String added, String deleted) {

  private static final String NAME = "name";

  static MidCopyChange apply(InMemoryOrgApi api, String organization, String kind, UnaryOperator<JsonObject> changed) {
    var objects = api.objects(organization, kind);
    var byName = new ArrayList<>(objects.entrySet());
    assertTrue(byName.size() > 1, "the template holds fewer than two objects of " + kind + ": write several pages");
    byName.sort(Comparator.comparing(object -> nameOr(object.getValue(), object.getKey())));
    var named = namedByOthers(api.snapshot().getJsonObject(organization));
    var deleted = byName.stream().map(Map.Entry::getKey).filter(id -> !named.contains(id.toLowerCase())).findFirst()
        .orElseThrow(() -> new AssertionError("every object of " + kind + " in the template is named by another: the "
            + "kit deletes one that none names, as org-service would let an administrator delete it"));
    var last = byName.get(byName.size() - 1).getKey();
    var renamed = last.equals(deleted) ? byName.get(byName.size() - 2).getKey() : last;

    var before = objects.get(renamed);
    api.edit(organization, kind, renamed, before.getValue(NAME) instanceof String name
        ? before.copy().put(NAME, sortingFirst(name, objects.values(), kind)) : changed.apply(before));
    var added = UUID.randomUUID().toString();
    objects.put(added, changed.apply(before).put(kind.equals("users") ? "userId" : "id", added));
    objects.remove(deleted);
    return new MidCopyChange(renamed, added, deleted);
  }

  /** {@code name} with its first character made {@code 0}: as long, so as valid, and before every other name. */
  private static String sortingFirst(String name, Collection<JsonObject> objects, String kind) {
    var first = "0" + name.substring(1);
    for (var object : objects) {
      var other = object.getString(NAME);
      assertTrue(first.compareTo(other) < 0, "the kit renames an object of " + kind + " to " + first + " to sort "
          + "it first, but " + other + " sorts before: write names that start with a letter");
    }
    return first;
  }

  private static String nameOr(JsonObject object, String key) {
    return object.getValue(NAME) instanceof String name ? name : key;
  }

  /** The ids, in lower case, that an object of {@code organization} (a snapshot of one) names, but its own. */
  private static Set<String> namedByOthers(JsonObject organization) {
    var named = new HashSet<String>();
    organization.forEach(kind -> ((JsonObject) kind.getValue()).forEach(object -> {
      var ids = new HashSet<String>();
      EmbeddedIds.collect(object.getValue(), ids);
      ids.remove(object.getKey().toLowerCase());
      named.addAll(ids);
    }));
    return named;
  }
}
