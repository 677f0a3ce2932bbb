package dev.orgplane.kit.http;

import java.util.List;
import java.util.UUID;

/** Ids from paths, queries and bodies: a malformed one is the caller's mistake (400), never a 500. */
public final class Ids {

  private Ids() {
  }

  public static UUID uuid(String value, String field) {
    try {
      return parse(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.invalid("Invalid id.", List.of(new ApiException.FieldError(field, "must be a UUID")));
    }
  }

  /**
   * A body's list of ids, each {@link #uuid} and each once, in the order first named: one id written in upper and in
   * lower case is one id, which {@link RequestBody#stringList}, dropping repeats of the same text, keeps twice.
   */
  public static List<UUID> uuids(List<String> values, String field) {
    return values.stream().map(value -> uuid(value, field)).distinct().toList();
  }

  /**
   * {@code value} as a UUID if it is written as one, 36 characters (in which {@link UUID#fromString}'s five parts can
   * only be 8-4-4-4-12); it takes "1-1-1-1-1" as well, an id of a different text that nothing stores under that one.
   *
   * @throws IllegalArgumentException for any other text
   */
  public static UUID parse(String value) {
    if (value.length() != 36) {
      throw new IllegalArgumentException("not a UUID as written: " + value);
    }
    return UUID.fromString(value);
  }
}
