package dev.orgplane.org.group;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestBody;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;

/**
 * The name of an organization group: trimmed, 1 to {@value #MAX_LENGTH} characters of one line, and unique regardless
 * of case, which the database enforces (a check before the write would let two requests at once both pass it).
 */
public final class GroupName {

  static final int MAX_LENGTH = 256;
  private static final String FIELD = "name";
  /** The unique index on {@code lower(name)} (V27). */
  private static final String TAKEN_CONSTRAINT = "organization_groups_name_key";

  private GroupName() {
  }

  /** The trimmed name of the body, or null with the field's error recorded in it. */
  static String read(RequestBody body) {
    // the limit is the trimmed name's: blanks around a name of the longest length are not refused for it
    var raw = body.requiredString(FIELD, Integer.MAX_VALUE);
    if (raw == null) {
      return null;
    }
    var name = raw.strip();
    if (name.isEmpty()) {
      body.reject(FIELD, "must not be blank");
      return null;
    }
    if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
      body.reject(FIELD, "must be at most " + MAX_LENGTH + " characters");
      return null;
    }
    // one line, as an organization's title is: a name is shown in lists, the audit trail and terminals, where a line
    // break or an escape sequence passes for output of the sender's own
    return body.oneLine(FIELD, name);
  }

  /** Whether {@code failure} is a write the unique index refused: another group has the name. */
  public static boolean isTaken(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && TAKEN_CONSTRAINT.equals(pg.getConstraint());
  }

  /** 409 {@code organization_group_name_taken} for a write refused by the unique index; any other failure as it is. */
  static <T> Future<T> taken(Throwable failure) {
    if (isTaken(failure)) {
      return Future.failedFuture(ApiException.conflict("organization_group_name_taken",
          "Another organization group has that name (names are compared regardless of case)."));
    }
    return Future.failedFuture(failure);
  }
}
