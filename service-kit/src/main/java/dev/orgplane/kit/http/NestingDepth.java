package dev.orgplane.kit.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How deep free-form JSON a request sends may nest, well short of the 1,000 levels the body parser takes. Code that
 * walks such JSON recursively overflowed the event loop's stack some 900 levels down: the schema validator under a
 * recursive meta-schema ({@code "additionalProperties": {"$ref": "#"}}), and a setup copy re-encoding the settings whose
 * ids it remapped. Counting stops at the bound, so the count itself cannot overflow.
 */
public final class NestingDepth {

  /** Levels of objects and arrays, the outermost counting as one ({@code {}} is one, {@code {"a": []}} two). */
  public static final int MAX = 64;
  /** The field error's message. */
  public static final String RULE = "must not nest objects and arrays more than " + MAX + " levels deep";

  private NestingDepth() {
  }

  public static boolean exceedsMax(Object json) {
    return exceeds(json, MAX);
  }

  /** 400 {@code validation_failed} naming {@code field}, which nests deeper than {@link #MAX}. */
  public static ApiException tooDeep(String field) {
    return ApiException.invalid(field + " nests objects and arrays too deep.",
        List.of(new ApiException.FieldError(field, RULE)));
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
