package dev.orgplane.kit.http;

import java.util.Collection;
import java.util.List;

/**
 * The values a refusal names (ids that are none, roles or users unknown): the first {@value #NAMED}, each cut to
 * {@value #LONGEST} characters. A problem naming every one of thousands, whole, in its detail and again in its errors,
 * was twice as large as the body refused.
 */
public final class RefusedValues {

  public static final int NAMED = 20;
  private static final int LONGEST = 40;

  private RefusedValues() {
  }

  /** {@code value} as a refusal shows it: its first {@value #LONGEST} characters, and "..." if there are more. */
  public static String shown(String value) {
    return value.codePointCount(0, value.length()) <= LONGEST ? value
        : value.substring(0, value.offsetByCodePoints(0, LONGEST)) + "...";
  }

  /** The values as a detail lists them, {@code [a, b]}, with how many more there are beyond those named. */
  public static String listed(Collection<?> values) {
    var named = named(values).toString();
    return values.size() > NAMED ? named + " and " + (values.size() - NAMED) + " more" : named;
  }

  /** An error of {@code field} for each value named. */
  public static List<ApiException.FieldError> errors(String field, Collection<?> values) {
    return named(values).stream().map(value -> new ApiException.FieldError(field, value)).toList();
  }

  private static List<String> named(Collection<?> values) {
    return values.stream().limit(NAMED).map(value -> shown(value.toString())).toList();
  }
}
