package dev.orgplane.kit.http;

import io.vertx.core.MultiMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The query parameters a route reads: names, and families of names by prefix (such as {@code metadata.<key>}).
 * Any other is refused with 400 {@code unknown_parameter}, each named, as unknown body fields are: a mistyped
 * filter that was ignored would answer every row as if it had matched.
 */
public record QueryParameters(Set<String> names, Set<String> prefixes) {

  /** A list's without filters: {@code limit} and {@code cursor}. */
  public static final QueryParameters PAGING = list();

  public QueryParameters {
    names = Set.copyOf(names);
    prefixes = Set.copyOf(prefixes);
  }

  /** A list's: {@code limit}, {@code cursor} and the filters named. */
  public static QueryParameters list(String... filters) {
    return new QueryParameters(Set.copyOf(Stream.concat(Stream.of("limit", "cursor"), Stream.of(filters)).toList()),
        Set.of());
  }

  /** These, and every parameter whose name starts with {@code prefix}. */
  public QueryParameters withPrefix(String prefix) {
    return new QueryParameters(names, Set.copyOf(Stream.concat(prefixes.stream(), Stream.of(prefix)).toList()));
  }

  /** Refuses a query with a parameter this route does not read. */
  public void check(MultiMap query) {
    var unknown = new TreeSet<String>();
    query.names().stream().filter(name -> !declares(name)).forEach(unknown::add);
    if (unknown.isEmpty()) {
      return;
    }
    var known = new TreeSet<>(names);
    prefixes.forEach(prefix -> known.add(prefix + "<key>"));
    throw new ApiException(400, "unknown_parameter", "Unknown query parameter" + (unknown.size() == 1 ? " " : "s ")
        + String.join(", ", unknown) + "; this endpoint reads " + String.join(", ", known) + ".",
        unknown.stream().map(name -> new ApiException.FieldError(name, "unknown parameter")).toList());
  }

  private boolean declares(String name) {
    return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
  }
}
