package dev.orgplane.org.metaschema;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How deep JSON checked against a schema may nest. The validator walks it recursively, and a recursive schema
 * ({@code "additionalProperties": {"$ref": "#"}}) follows it all the way down: some 900 levels, which the body
 * parser lets through, overflowed the event loop's stack. Counting stops at the bound, so the count cannot overflow.
 */
final class NestingDepth {

  /** Levels of objects and arrays, the outermost counting as one ({@code {}} is one, {@code {"a": []}} two). */
  static final int MAX = 64;

  private NestingDepth() {
  }

  static boolean exceedsMax(Object json) {
    return exceeds(json, MAX);
  }

  /** 400 {@code validation_failed} naming {@code field}, which nests deeper than {@link #MAX}. */
  static ApiException tooDeep(String field) {
    return ApiException.invalid(field + " nests objects and arrays too deep.", List.of(new ApiException.FieldError(
        field, "must not nest objects and arrays more than " + MAX + " levels deep")));
  }

  /** Iterating a JsonObject or JsonArray gives the maps and lists it holds as JsonObjects and JsonArrays. */
  private static boolean exceeds(Object json, int levelsLeft) {
    Stream<?> values;
    if (json instanceof JsonObject object) {
      values = object.stream().map(Map.Entry::getValue);
    } else if (json instanceof JsonArray array) {
      values = array.stream();
    } else {
      return false;
    }
    return levelsLeft == 0 || values.anyMatch(value -> exceeds(value, levelsLeft - 1));
  }
}
