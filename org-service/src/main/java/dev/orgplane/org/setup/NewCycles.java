package dev.orgplane.org.setup;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Run-order cycles that a write introduced, found in memory: a new cycle passes through a changed object, so it is
 * one of those that lies on a cycle of the run order after the write. One pass finding the strongly connected
 * components (Tarjan's), linear in the objects and their references, without recursion (chains can be thousands
 * long): walking from every changed object separately was quadratic in a chain rewritten at once.
 */
final class NewCycles {

  private final Map<String, List<String>> next;
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, Integer> low = new HashMap<>();
  private final ArrayDeque<String> open = new ArrayDeque<>();
  private final Set<String> onOpen = new HashSet<>();
  private final Set<String> onCycle = new HashSet<>();
  private final ArrayDeque<String> path = new ArrayDeque<>();
  private final ArrayDeque<Iterator<String>> pending = new ArrayDeque<>();

  private NewCycles(Map<String, List<String>> next) {
    this.next = next;
  }

  /**
   * The row of an object on a cycle of {@code column} references among {@code rows}, if there is one: enough when
   * every changed object is new, as such a cycle runs through new objects only (an object that existed before could
   * not name one of them).
   */
  static Optional<JsonObject> among(List<JsonObject> rows, String column) {
    var next = new HashMap<String, List<String>>();
    rows.forEach(row -> next.put(id(row), row.getJsonArray(column, new JsonArray()).stream()
        .map(ref -> ((String) ref).toLowerCase()).toList()));
    return through(rows, next);
  }

  /**
   * The first of {@code rows} (in their order, so the same write always names the same one) that lies on a cycle of
   * {@code next}: each object's lower-case id to those it runs after.
   */
  static Optional<JsonObject> through(List<JsonObject> rows, Map<String, List<String>> next) {
    var onCycles = onCycles(next, rows.stream().map(NewCycles::id).toList());
    return rows.stream().filter(row -> onCycles.contains(id(row))).findFirst();
  }

  /** Those of {@code starts} (lower-case ids) that lie on a cycle of {@code next}, and maybe others they reach. */
  static Set<String> onCycles(Map<String, List<String>> next, Collection<String> starts) {
    var cycles = new NewCycles(next);
    starts.forEach(cycles::visitFrom);
    return cycles.onCycle;
  }

  private static String id(JsonObject row) {
    return row.getString("id").toLowerCase();
  }

  private void visitFrom(String start) {
    if (index.containsKey(start)) {
      return;
    }
    enter(start);
    while (!path.isEmpty()) {
      var node = path.peek();
      if (pending.peek().hasNext()) {
        var to = pending.peek().next();
        if (to.equals(node)) {
          onCycle.add(node);
        }
        if (!index.containsKey(to)) {
          enter(to);
        } else if (onOpen.contains(to)) {
          low.put(node, Math.min(low.get(node), index.get(to)));
        }
        continue;
      }
      pending.pop();
      path.pop();
      if (!path.isEmpty()) {
        low.put(path.peek(), Math.min(low.get(path.peek()), low.get(node)));
      }
      if (low.get(node).equals(index.get(node))) {
        closeComponent(node);
      }
    }
  }

  private void enter(String node) {
    index.put(node, index.size());
    low.put(node, index.get(node));
    open.push(node);
    onOpen.add(node);
    path.push(node);
    pending.push(next.getOrDefault(node, List.of()).iterator());
  }

  /** Pops {@code root}'s component; more than one object in it run after each other in a circle. */
  private void closeComponent(String root) {
    var component = new ArrayDeque<String>();
    String member;
    do {
      member = open.pop();
      onOpen.remove(member);
      component.add(member);
    } while (!member.equals(root));
    if (component.size() > 1) {
      onCycle.addAll(component);
    }
  }
}
