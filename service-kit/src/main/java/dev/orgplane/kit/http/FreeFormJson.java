package dev.orgplane.kit.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What JSON a request sends to be stored as it is sent (metadata, a schema's content, a queue's settings, a hook's
 * config, a report's details, a meta-schema) must not hold, anywhere in it, keys included, found in one walk: objects
 * and arrays nested deeper than {@link NestingDepth#MAX}, text PostgreSQL cannot keep as sent
 * ({@link RequestBody#unstorable}), and numbers no double holds. Only the fields a request reads as strings were held
 * to the text rule: jsonb stored a lone surrogate in such JSON as {@code ?} (two keys made one that way, and one value
 * was lost), and refused a NUL with the whole request (400 {@code invalid_text}, naming no field).
 */
public final class FreeFormJson {

  /**
   * The body parser reads a number beyond a double's range ({@code 1e400}) as infinite, which was stored as the text
   * {@code "Infinity"}: a string where a number was sent, which a meta-schema asking for a number refused as a string.
   */
  public static final String NUMBER_RULE = "must not hold a number larger in size than " + Double.MAX_VALUE
      + " (a 64-bit float's range), such as 1e400";

  private FreeFormJson() {
  }

  /** Why {@code json} (an object, an array, or any other JSON value) cannot be stored as sent, or null. */
  public static String problem(Object json) {
    return problem(json, NestingDepth.MAX);
  }

  /** Throws 400 {@code validation_failed} naming {@code field} when its value {@code json} has a {@link #problem}. */
  public static void check(String field, Object json) {
    var problem = problem(json);
    if (problem != null) {
      throw ApiException.invalid(field + " " + problem + ".", List.of(new ApiException.FieldError(field, problem)));
    }
  }

  /**
   * Counting stops at the bound, so the walk itself cannot overflow. Iterating a JsonObject or JsonArray gives the maps
   * and lists it holds as JsonObjects and JsonArrays.
   */
  private static String problem(Object json, int levelsLeft) {
    if (json instanceof String text) {
      return RequestBody.unstorable(text);
    }
    if (json instanceof Double number) {
      return Double.isFinite(number) ? null : NUMBER_RULE;
    }
    if (!(json instanceof JsonObject) && !(json instanceof JsonArray)) {
      return null;
    }
    if (levelsLeft == 0) {
      return NestingDepth.RULE;
    }
    if (json instanceof JsonObject object) {
      for (var entry : object) {
        var problem = RequestBody.unstorable(entry.getKey());
        if (problem == null) {
          problem = problem(entry.getValue(), levelsLeft - 1);
        }
        if (problem != null) {
          return problem;
        }
      }
    } else {
      for (var value : (JsonArray) json) {
        var problem = problem(value, levelsLeft - 1);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }
}
