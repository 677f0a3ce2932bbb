package dev.orgplane.kit.http;

import java.util.List;
import java.util.UUID;

/** Ids from paths, queries and bodies: a malformed one is the caller's mistake (400), never a 500. */
public final class Ids {

  private Ids() {
  }

  public static UUID uuid(String value, String field) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.invalid("Invalid id.", List.of(new ApiException.FieldError(field, "must be a UUID")));
    }
  }
}
