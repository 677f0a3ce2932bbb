package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One object of an organization's {@link InMemoryOrgApi#snapshot()}: its kind (list path) and id. */
record StoredObject(String path, String id) {

  /** The objects of {@code after} that {@code before} (an earlier snapshot of the same organization) lacks, in order. */
  static List<StoredObject> newIn(JsonObject before, JsonObject after) {
    var added = new ArrayList<StoredObject>();
    after.fieldNames().stream().sorted().forEach(path -> {
      var earlier = before.getJsonObject(path, new JsonObject());
      after.getJsonObject(path).fieldNames().stream().sorted().filter(id -> !earlier.containsKey(id))
          .forEach(id -> added.add(new StoredObject(path, id)));
    });
    return added;
  }

  /** The ids of every object of {@code organization} (a snapshot of one), members' user ids included. */
  static Set<String> idsIn(JsonObject organization) {
    var ids = new HashSet<String>();
    organization.fieldNames().forEach(path -> ids.addAll(organization.getJsonObject(path).fieldNames()));
    return ids;
  }
}
