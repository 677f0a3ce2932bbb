package dev.orgplane.org.setup;

import dev.orgplane.kit.http.ApiException.FieldError;
import dev.orgplane.kit.http.FreeFormJson;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.event.HookEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * Checks one item of a request against its kind and turns it into the column-named object the
 * repository writes. Problems are added to {@code errors} with the item's path (e.g.
 * {@code items[3].workspaceId}), so a batch reports every bad item at once.
 */
final class SetupInput {

  /**
   * A name a write sets: 1-128 characters of letters, digits, space, '.', '_' and '-', neither starting nor ending
   * with a space (else "a" and "a " were two names that read alike) and not only dots and spaces: organization, team,
   * role and meta-schema names take no dot or space at all, so none of them is made of those, and a name of dots
   * ("." or "..") reads as a path step. Names stored before the rule stay as they are (nothing is rewritten), and a
   * copy takes them as they are ({@link SetupCopy}). The OpenAPI document states the same pattern.
   */
  static final String NAME_PATTERN = "(?=.*[A-Za-z0-9_-])[A-Za-z0-9._-](?:[A-Za-z0-9 ._-]{0,126}[A-Za-z0-9._-])?";
  static final String NAME_RULE = "must be 1-128 characters of letters, digits, space, '.', '_' and '-', "
      + "neither starting nor ending with a space, and not only dots and spaces";
  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private SetupInput() {
  }

  /**
   * @param current the stored object (API view) a PATCH applies to, or null for create/replace
   */
  static JsonObject read(SetupKind kind, UUID id, JsonObject item, JsonObject current, String path,
      List<FieldError> errors, boolean idInBody, boolean allowPrivateUrls) {
    var allowed = new java.util.HashSet<String>();
    kind.fields().forEach(f -> allowed.add(f.json()));
    if (idInBody) {
      allowed.add("id");
    }
    item.fieldNames().stream().filter(f -> !allowed.contains(f)).sorted()
        .forEach(f -> errors.add(new FieldError(path + f, "unknown field")));
    // no column holds null: taken as absent, a patch's null put the default back (a paused hook active again)
    errors.addAll(RequestBody.nulls(item, kind.fields().stream().map(SetupField::json).toList(), path));
    var row = new JsonObject().put("id", id == null ? null : id.toString());
    for (var field : kind.fields()) {
      var sent = item.containsKey(field.json());
      var kept = current != null && (!sent || sentAsStored(field, item, current));
      var value = kept ? current.getValue(field.json()) : item.getValue(field.json());
      if (value == null) {
        if (field.required() && !sent) {
          errors.add(new FieldError(path + field.json(), "is required"));
        }
        continue;
      }
      var problem = kept ? null : problem(field, value, allowPrivateUrls);
      if (problem != null) {
        errors.add(new FieldError(path + field.json(), problem));
      } else {
        row.put(field.column(), value);
      }
    }
    return row;
  }

  /**
   * The fields (API-named) a patch {@code item} sets to another value than {@code current} holds, as {@link #read}
   * tells them from those it keeps: the fields its {@code <kind>.updated} names. A secret is never answered, so one
   * sent counts as changed.
   */
  static List<String> changedFields(SetupKind kind, JsonObject item, JsonObject current) {
    return kind.fields().stream().filter(f -> item.containsKey(f.json()) && !sentAsStored(f, item, current))
        .map(SetupField::json).toList();
  }

  private static boolean sentAsStored(SetupField field, JsonObject item, JsonObject current) {
    return Objects.equals(item.getValue(field.json()), current.getValue(field.json()));
  }

  /**
   * What is wrong with a value a request sends, or null. A value a patch keeps as stored (leaves out, or sends as it
   * is stored) is not judged again: a rule made stricter since (private hook URLs refused, an event taken from the
   * catalog, a name's blanks) must not keep an operator from pausing or otherwise editing the object. Whatever its
   * type, a value is first held to what JSON stored as sent must not hold ({@link FreeFormJson}): a hook's secret
   * or URL holding a lone surrogate was stored with {@code ?} in its place, so its deliveries were signed with another
   * key, or sent elsewhere.
   */
  private static String problem(SetupField field, Object value, boolean allowPrivateUrls) {
    var unstorable = FreeFormJson.problem(value);
    if (unstorable != null) {
      return unstorable;
    }
    return switch (field.type()) {
      case NAME -> value instanceof String s && NAME.matcher(s).matches() ? null : NAME_RULE;
      case OBJECT -> value instanceof JsonObject ? null : "must be an object";
      case REFERENCE -> value instanceof String s && UUID_TEXT.matcher(s).matches() ? null : "must be a UUID";
      case REFERENCES -> referencesProblem(value);
      case EVENTS -> value instanceof JsonArray a && hasEachEventOnce(a) ? null
          : "must be an array of distinct events from the catalog: " + HookEvents.CATALOG;
      case BOOLEAN -> value instanceof Boolean ? null : "must be true or false";
      case URL -> dev.orgplane.org.event.HookUrls.problem(value, allowPrivateUrls);
      case SECRET -> value instanceof String s && s.length() >= 16 && s.length() <= 256 ? null
          : "must be a string of 16 to 256 characters";
    };
  }

  /**
   * What is wrong with a list of references, or null: ids, each once, compared as UUIDs (an id in capitals names the
   * same object). A repeat means nothing, yet it was stored as sent, one queue named as often as it was sent.
   */
  private static String referencesProblem(Object value) {
    if (!(value instanceof JsonArray ids && ids.size() <= 100
        && ids.stream().allMatch(e -> e instanceof String s && UUID_TEXT.matcher(s).matches()))) {
      return "must be an array of at most 100 UUIDs";
    }
    return ids.stream().map(e -> UUID.fromString((String) e)).distinct().count() == ids.size() ? null
        : "must name each id once";
  }

  /**
   * Whether {@code events} names events of the catalog, each once: a repeat means nothing, yet a list of tens of
   * thousands of copies was stored and scanned for every audited event of the organization.
   */
  private static boolean hasEachEventOnce(JsonArray events) {
    return events.size() <= HookEvents.CATALOG.size() && events.stream().allMatch(HookEvents.CATALOG::contains)
        && events.stream().distinct().count() == events.size();
  }

  /** Whether {@code item} (API-named, as sent) sets the kind's event list. */
  static boolean setsEvents(SetupKind kind, JsonObject item) {
    return kind.fields().stream().anyMatch(f -> f.type() == SetupField.Type.EVENTS && item.containsKey(f.json()));
  }

  /**
   * The rows (column-named, as read) of a kind with an event list that subscribe to no event, as errors at
   * {@code path.apply(i) + field}: such a hook is well-formed but never called, and a missing list defaults to empty.
   */
  static List<FieldError> withoutEvents(SetupKind kind, List<JsonObject> rows, IntFunction<String> path) {
    var events = kind.fields().stream().filter(f -> f.type() == SetupField.Type.EVENTS).findFirst();
    if (events.isEmpty()) {
      return List.of();
    }
    var column = events.get().column();
    var errors = new java.util.ArrayList<FieldError>();
    for (int i = 0; i < rows.size(); i++) {
      var list = rows.get(i).getJsonArray(column);
      if (list == null || list.isEmpty()) {
        errors.add(new FieldError(path.apply(i) + events.get().json(), "must name at least one event"));
      }
    }
    return errors;
  }
}
