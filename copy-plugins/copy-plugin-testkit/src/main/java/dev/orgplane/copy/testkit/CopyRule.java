package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.EmbeddedIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How org-service copies an object of a setup kind ({@code SetupCopy}): the fields naming one object
 * ({@code references}) or several ({@code referenceLists}) name their copies, whether those are there or not; the
 * list naming objects of the same kind ({@code sameKindList}) leaves out those whose copy cannot be satisfied yet
 * (deferred); ids inside the one free-form field ({@code freeForm}) are remapped when they name an object whose copy
 * is due. Every other field, {@code metadata} included, is copied as it is.
 */
record CopyRule(List<String> references, List<String> referenceLists, String sameKindList, String freeForm) {

  /** A copy, and whether references of it were left out for now. */
  record Copied(JsonObject copy, boolean deferred) {
  }

  /**
   * The copy of {@code source}: ids by {@code copyOf}, references of its own kind kept when {@code satisfiable}
   * holds their copy, and ids in the free-form field remapped when {@code embedded} maps them.
   */
  Copied copy(JsonObject source, Function<String, String> copyOf, Set<String> satisfiable,
      Function<String, String> embedded) {
    var copy = source.copy().put("id", copyOf.apply(source.getString("id")));
    // the service makes a copy a secret of its own
    copy.remove("secret");
    references.stream().filter(source::containsKey).forEach(field -> copy.put(field,
        copyOf.apply(source.getString(field))));
    var deferred = false;
    for (var field : referenceLists) {
      var copies = new JsonArray();
      for (var id : source.getJsonArray(field, new JsonArray())) {
        var mapped = copyOf.apply((String) id);
        if (field.equals(sameKindList) && !satisfiable.contains(mapped)) {
          deferred = true;
        } else {
          copies.add(mapped);
        }
      }
      if (source.containsKey(field)) {
        copy.put(field, copies);
      }
    }
    if (freeForm != null && source.getValue(freeForm) instanceof JsonObject data) {
      copy.put(freeForm, EmbeddedIds.replace(data, embedded));
    }
    return new Copied(copy, deferred);
  }
}
