package dev.orgplane.org.setup;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Run-order cycles among objects that a write all created, found in memory: such a cycle runs through
 * new objects only (an object that existed before could not name one of them), so the written rows are
 * all it takes, and the database need not walk anything. One depth-first pass, linear in the rows and
 * their references, without recursion (chains can be thousands long).
 */
final class NewCycles {

  private static final int ON_PATH = 1;
  private static final int DONE = 2;

  private NewCycles() {
  }

  /** The row of an object on a cycle of {@code column} references among {@code rows}, if there is one. */
  static Optional<JsonObject> among(List<JsonObject> rows, String column) {
    var byId = new HashMap<String, JsonObject>();
    rows.forEach(row -> byId.put(row.getString("id").toLowerCase(), row));
    var state = new HashMap<String, Integer>();
    for (var start : byId.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      var path = new ArrayDeque<String>();
      var pending = new ArrayDeque<Iterator<String>>();
      state.put(start, ON_PATH);
      path.push(start);
      pending.push(references(byId.get(start), column, byId));
      while (!pending.isEmpty()) {
        if (!pending.peek().hasNext()) {
          pending.pop();
          state.put(path.pop(), DONE);
          continue;
        }
        var next = pending.peek().next();
        var seen = state.get(next);
        if (seen == null) {
          state.put(next, ON_PATH);
          path.push(next);
          pending.push(references(byId.get(next), column, byId));
        } else if (seen == ON_PATH) {
          return Optional.of(byId.get(next));
        }
      }
    }
    return Optional.empty();
  }

  /** Only references to other new objects can lie on a cycle among them. */
  private static Iterator<String> references(JsonObject row, String column, Map<String, JsonObject> byId) {
    return row.getJsonArray(column, new JsonArray()).stream().map(id -> ((String) id).toLowerCase())
        .filter(byId::containsKey).iterator();
  }
}
