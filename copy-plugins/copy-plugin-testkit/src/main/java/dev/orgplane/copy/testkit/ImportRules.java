package dev.orgplane.copy.testkit;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * What org-service refuses in a write before it writes anything, as its answers say it: a batch of 1 to
 * {@value #MAX_BATCH} items, each with a UUID id once per batch ({@code ImportBatch}); fields the kind does not
 * take, required fields missing (an item may leave out a team's members, which it keeps: {@link ServiceKind#kept}), a setup object's fields sent as null ({@code must not be null}, required or not:
 * {@code SetupInput}; roles and teams take an optional null as left out), names breaking the kind's rule, references
 * that are no UUIDs or name one twice (400 {@code validation_failed}, each problem named {@code items[i].field}); and names taken in the
 * organization (409 with the kind's code); hooks that subscribe to no event, well-formed but never called (422
 * {@code no_events}, each named {@code items[i].events}, once nothing is malformed). Fields a list shows but an import does not take
 * ({@code createdAt}, {@code updatedAt}) are unknown fields: a listed object written back as it is, is refused.
 */
final class ImportRules {

  static final int MAX_BATCH = 500;

  private ImportRules() {
  }

  /** Refuses a batch import of {@code items} into {@code kind} (empty for a kind the kit does not know). */
  static void checkBatch(Optional<ServiceKind> kind, List<JsonObject> items) {
    if (items.isEmpty() || items.size() > MAX_BATCH) {
      throw invalid(new JsonArray().add(error("items", "must be an array of 1 to " + MAX_BATCH + " objects")));
    }
    var errors = new JsonArray();
    var seen = new HashSet<String>();
    for (int i = 0; i < items.size(); i++) {
      var prefix = "items[" + i + "].";
      var item = items.get(i);
      var id = item.getValue("id");
      if (!(id instanceof String text && EmbeddedIds.isUuid(text))) {
        errors.add(error(prefix + "id", "must be a UUID"));
        continue;
      }
      if (!seen.add(text.toLowerCase())) {
        errors.add(error(prefix + "id", "appears twice in this batch"));
      }
      kind.ifPresent(known -> checkFields(known, item, prefix, true, errors));
    }
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    kind.ifPresent(known -> requireEvents(known, items, i -> "items[" + i + "]."));
  }

  /** Refuses one object written with {@code PUT} or {@code POST}. */
  static void checkOne(Optional<ServiceKind> kind, JsonObject body) {
    var errors = new JsonArray();
    kind.ifPresent(known -> checkFields(known, body, "", false, errors));
    if (!errors.isEmpty()) {
      throw invalid(errors);
    }
    kind.ifPresent(known -> requireEvents(known, List.of(body), i -> ""));
  }

  /** A hook whose {@code events} are missing or empty would never be called: 422 {@code no_events}. */
  private static void requireEvents(ServiceKind kind, List<JsonObject> items, IntFunction<String> prefix) {
    if (kind != ServiceKind.HOOKS) {
      return;
    }
    var errors = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i).getValue("events") instanceof JsonArray events) || events.isEmpty()) {
        errors.add(error(prefix.apply(i) + "events", "must name at least one event"));
      }
    }
    if (!errors.isEmpty()) {
      throw new OrgApiException(422, "no_events", "A hook must subscribe to at least one event.", errors);
    }
  }

  /**
   * Refuses {@code written} (objects with their ids) when a name is taken in the organization, whose objects of the
   * kind are {@code stored}, by another object or by another of {@code written}; {@code field} names the field of
   * the i-th object in the answer.
   */
  static void checkNames(ServiceKind kind, Map<String, JsonObject> stored, List<JsonObject> written,
      IntFunction<String> field) {
    if (kind.names() == null) {
      return;
    }
    var owners = new HashMap<String, String>();
    stored.forEach((id, object) -> owners.put(object.getString("name"), id));
    written.forEach(object -> owners.remove(stored.getOrDefault(object.getString("id"), new JsonObject())
        .getString("name")));
    for (int i = 0; i < written.size(); i++) {
      var name = written.get(i).getString("name");
      var owner = owners.putIfAbsent(name, written.get(i).getString("id"));
      if (owner != null && !owner.equals(written.get(i).getString("id"))) {
        throw new OrgApiException(409, kind.names().takenCode(), "This organization has a " + kind.path()
            + " object named " + name + ".", new JsonArray().add(error(field.apply(i), "taken in this organization")));
      }
    }
  }

  /** A {@code batchItem} may leave out the kind's {@code keptWhenLeftOut} fields, a {@code PUT} may not. */
  private static void checkFields(ServiceKind kind, JsonObject item, String prefix, boolean batchItem,
      JsonArray errors) {
    item.fieldNames().stream().filter(field -> !field.equals("id") && !kind.fields().contains(field)).sorted()
        .forEach(field -> errors.add(error(prefix + field, "unknown field")));
    if (kind.refusesNulls()) {
      kind.fields().stream().filter(field -> item.containsKey(field) && item.getValue(field) == null).sorted()
          .forEach(field -> errors.add(error(prefix + field, "must not be null")));
    }
    kind.required().stream().filter(field -> !(batchItem && kind.keptWhenLeftOut().contains(field)))
        .filter(field -> kind.refusesNulls() ? !item.containsKey(field) : item.getValue(field) == null).sorted()
        .forEach(field -> errors.add(error(prefix + field, "is required")));
    if (kind.names() != null && item.getValue("name") != null
        && !(item.getValue("name") instanceof String name && kind.names().pattern().matcher(name).matches())) {
      errors.add(error(prefix + "name", kind.names().rule()));
    }
    if (kind.copy() != null) {
      kind.copy().references().stream().filter(field -> item.getValue(field) != null)
          .filter(field -> !(item.getValue(field) instanceof String id && EmbeddedIds.isUuid(id)))
          .forEach(field -> errors.add(error(prefix + field, "must be a UUID")));
      kind.copy().referenceLists().stream().filter(field -> item.getValue(field) != null)
          .filter(field -> !(item.getValue(field) instanceof JsonArray ids && ids.size() <= 100
              && ids.stream().allMatch(id -> id instanceof String text && EmbeddedIds.isUuid(text))))
          .forEach(field -> errors.add(error(prefix + field, "must be an array of at most 100 UUIDs")));
      // the service compares the ids as UUIDs: one in capitals names the same object
      kind.copy().referenceLists().stream().filter(field -> item.getValue(field) instanceof JsonArray ids
              && ids.stream().allMatch(id -> id instanceof String text && EmbeddedIds.isUuid(text))
              && ids.stream().map(id -> ((String) id).toLowerCase()).distinct().count() < ids.size())
          .forEach(field -> errors.add(error(prefix + field, "must name each id once")));
    }
  }

  private static JsonObject error(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }

  /** 400 {@code validation_failed}; its detail names the problems too, for the test's failure message. */
  private static OrgApiException invalid(JsonArray errors) {
    return new OrgApiException(400, "validation_failed", "The batch is invalid; nothing was written: "
        + errors.stream().map(JsonObject.class::cast).map(e -> e.getString("field") + " " + e.getString("message"))
        .collect(Collectors.joining(", ")), errors);
  }
}
