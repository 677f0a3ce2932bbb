package dev.orgplane.kit.http;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Ids from paths, queries and bodies: a malformed one is the caller's mistake (400), never a 500. */
public final class Ids {

  static final Pattern UUID_SHAPE =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

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
   * {@code value} as a UUID if it is written as one: 8-4-4-4-12 hex digits. {@link UUID#fromString} takes more (a sign,
   * a part longer than its place, cut to fit, "1-1-1-1-1"), each an id of a different text: {@code +0000000-...} or
   * {@code 100000000-...} were answered as the stored {@code 00000000-...}.
   *
   * @throws IllegalArgumentException for any other text
   */
  public static UUID parse(String value) {
    if (!isUuid(value)) {
      throw new IllegalArgumentException("not a UUID as written: " + value);
    }
    return UUID.fromString(value);
  }

  /** {@code value} as {@link #parse} reads it, or null when it is none (a header's, say, that names no id). */
  public static UUID orNull(String value) {
    return value != null && isUuid(value) ? UUID.fromString(value) : null;
  }

  /** Whether {@code value} is a UUID as written, in either case: what {@link #parse} takes. */
  public static boolean isUuid(String value) {
    return UUID_SHAPE.matcher(value).matches();
  }
}
