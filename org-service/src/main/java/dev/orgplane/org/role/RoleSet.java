package dev.orgplane.org.role;

import io.vertx.sqlclient.Row;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The roles someone holds, or an invitation grants, are a set: every answer lists them sorted by name, whatever order
 * they were given or stored in, so that the same roles read alike wherever they are shown (and a copy's diff, which
 * compares the lists, sees no change in them).
 */
public final class RoleSet {

  private RoleSet() {
  }

  /** Sorted in a copy of the array: a stream's pipeline cost a read of an organization more than the sort. */
  public static List<String> sorted(String[] roles) {
    var sorted = roles.clone();
    Arrays.sort(sorted);
    return Collections.unmodifiableList(Arrays.asList(sorted));
  }

  /** The {@code roles} column of {@code row}, sorted. */
  public static List<String> of(Row row) {
    return sorted(row.getArrayOfStrings("roles"));
  }
}
