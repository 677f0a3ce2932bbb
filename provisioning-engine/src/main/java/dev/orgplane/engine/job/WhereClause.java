package dev.orgplane.engine.job;

import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions of a list statement and their values, only those of the filters given: each combination of
 * filters is a statement of its own, whose every condition is one an index can serve, which a cached generic plan
 * of {@code ($n IS NULL OR column = $n)} never is. The conditions are the code's own text; values only ever travel
 * as parameters.
 */
public final class WhereClause {

  private final List<String> conditions = new ArrayList<>();
  private final Tuple values = Tuple.tuple();

  /**
   * Adds {@code condition} unless {@code value} is null (a filter not given); each {@code #} in it stands for the
   * value's parameter.
   */
  public WhereClause and(String condition, Object value) {
    if (value != null) {
      conditions.add(condition.replace("#", parameter(value)));
    }
    return this;
  }

  /** A parameter of {@code value}, for a part of the statement after the conditions (its LIMIT). */
  public String parameter(Object value) {
    values.addValue(value);
    return "$" + values.size();
  }

  public String sql() {
    return String.join(" AND ", conditions);
  }

  public Tuple values() {
    return values;
  }
}
