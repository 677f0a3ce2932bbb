package dev.orgplane.org.role;

import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.stream.Stream;

/**
 * The roles someone holds, or an invitation grants, are a set: every answer lists them sorted by name, whatever order
 * they were given or stored in, so that the same roles read alike wherever they are shown (and a copy's diff, which
 * compares the lists, sees no change in them).
 */
public final class RoleSet {

  private RoleSet() {
  }

  public static List<String> sorted(String[] roles) {
    return Stream.of(roles).sorted().toList();
  }

  /** The {@code roles} column of {@code row}, sorted. */
  public static List<String> of(Row row) {
    return sorted(row.getArrayOfStrings("roles"));
  }
}
