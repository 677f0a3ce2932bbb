package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Function;

/**
 * Ids inside free-form JSON (settings, config): which strings could be object ids, and the same JSON
 * with some of them replaced. Only values are looked at, at any depth; keys are left alone. Shared by
 * every implementation of {@link IdFunction#remapEmbedded} and by org-service's own copies, so that
 * all of them agree on what an embedded id is.
 */
public final class EmbeddedIds {

  private static final int UUID_LENGTH = 36;

  private EmbeddedIds() {
  }

  /** Adds every string value of {@code json} (an object, array or scalar) that is a UUID, in lower case. */
  public static void collect(Object json, Set<String> into) {
    if (json instanceof JsonObject object) {
      object.forEach(entry -> collect(entry.getValue(), into));
    } else if (json instanceof JsonArray array) {
      array.forEach(item -> collect(item, into));
    } else if (json instanceof String text && isUuid(text)) {
      into.add(text.toLowerCase());
    }
  }

  /**
   * A copy of {@code json} in which each string value that {@code replacement} maps (given in lower
   * case) is replaced by what it maps to; {@code replacement} answers {@code null} for strings to keep.
   */
  public static Object replace(Object json, Function<String, String> replacement) {
    if (json instanceof JsonObject object) {
      var result = new JsonObject();
      object.forEach(entry -> result.put(entry.getKey(), replace(entry.getValue(), replacement)));
      return result;
    }
    if (json instanceof JsonArray array) {
      var result = new JsonArray();
      array.forEach(item -> result.add(replace(item, replacement)));
      return result;
    }
    if (json instanceof String text && isUuid(text)) {
      var replaced = replacement.apply(text.toLowerCase());
      return replaced == null ? text : replaced;
    }
    return json;
  }

  /**
   * Whether encoded JSON {@code json} may hold an id: it contains text of a UUID's form somewhere. A
   * quick look that spares parsing the many free-form values that hold none.
   */
  public static boolean mayHold(String json) {
    // a UUID's first dash is its ninth character: only dashes can start one
    for (int dash = json.indexOf('-', 8); dash >= 0 && dash + UUID_LENGTH - 8 <= json.length();
        dash = json.indexOf('-', dash + 1)) {
      if (isUuidAt(json, dash - 8)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code text} has the form of a UUID. */
  public static boolean isUuid(String text) {
    return text.length() == UUID_LENGTH && isUuidAt(text, 0);
  }

  /**
   * Whether the 36 characters of {@code text} from {@code start} are hex digits with dashes where a
   * UUID has them. Checked by hand: with a regex this check was a fifth of org-service's time copying.
   */
  private static boolean isUuidAt(String text, int start) {
    for (int i = 0; i < UUID_LENGTH; i++) {
      var c = text.charAt(start + i);
      var dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : !isHexDigit(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHexDigit(char c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }
}
