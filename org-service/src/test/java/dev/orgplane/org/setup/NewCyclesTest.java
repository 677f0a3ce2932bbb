package dev.orgplane.org.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NewCyclesTest {

  private static JsonObject hook(String id, String name, String... runAfter) {
    return new JsonObject().put("id", id).put("name", name).put("run_after", new JsonArray(List.of((Object[]) runAfter)));
  }

  @Test
  void chainsAndReferencesToOlderObjectsAreNoCycle() {
    var a = UUID.randomUUID().toString();
    var b = UUID.randomUUID().toString();
    var older = UUID.randomUUID().toString();
    assertEquals(Optional.empty(), NewCycles.among(List.of(hook(a, "a", older), hook(b, "b", a, older)), "run_after"));
  }

  @Test
  void aLoopOfAnyLengthIsFoundAndNamed() {
    var a = UUID.randomUUID().toString();
    var b = UUID.randomUUID().toString();
    var c = UUID.randomUUID().toString();
    assertEquals(Optional.of("a"),
        NewCycles.among(List.of(hook(a, "a", a)), "run_after").map(row -> row.getString("name")));
    var found = NewCycles.among(List.of(hook(a, "a", c), hook(b, "b", a), hook(c, "c", b.toUpperCase())), "run_after")
        .map(row -> row.getString("name"));
    assertTrue(found.isPresent() && List.of("a", "b", "c").contains(found.get()), found.toString());
  }

  /** Through the whole run order, the first changed object on a cycle is named, whichever the walk meets first. */
  @Test
  void throughTheRunOrderTheFirstChangedObjectOnACycleIsNamed() {
    var a = UUID.randomUUID().toString();
    var b = UUID.randomUUID().toString();
    var older = UUID.randomUUID().toString();
    var apart = UUID.randomUUID().toString();
    var next = Map.of(a, List.of(older), b, List.of(a), older, List.of(b), apart, List.of(a));
    assertEquals(Optional.of("b"), NewCycles.through(List.of(hook(apart, "apart", a), hook(b, "b", a),
        hook(a, "a", older)), next).map(row -> row.getString("name")));
    assertEquals(Optional.empty(), NewCycles.through(List.of(hook(apart, "apart", a)),
        Map.of(apart, List.of(a), a, List.of(older))));
  }

  @Test
  void aChainOfTenThousandNeedsNoDeepStack() {
    var rows = new ArrayList<JsonObject>();
    var previous = UUID.randomUUID().toString();
    rows.add(hook(previous, "h0"));
    for (int i = 1; i < 10_000; i++) {
      var id = UUID.randomUUID().toString();
      rows.add(hook(id, "h" + i, previous));
      previous = id;
    }
    assertEquals(Optional.empty(), NewCycles.among(rows, "run_after"));
    rows.set(0, hook(rows.get(0).getString("id"), "h0", previous));
    assertTrue(NewCycles.among(rows, "run_after").isPresent());
  }
}
