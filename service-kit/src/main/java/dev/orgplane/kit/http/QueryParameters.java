package dev.orgplane.kit.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Route;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The query parameters a route reads: names, and families of names by prefix (such as {@code metadata.<key>}).
 * Any other is refused with 400 {@code unknown_parameter}, each named, as unknown body fields are: a mistyped
 * filter that was ignored would answer every row as if it had matched, and a {@code ?fields=} ignored by a GET of
 * one object would answer fields the caller thought they had left out. Every route of the API reads each of its
 * parameters once, so a repeated one is refused too (400 {@code repeated_parameter}): a route that read the first
 * of {@code ?status=failed&status=done} would answer as if the second had not been sent.
 *
 * <p>A route declares them where it is registered, {@code QueryParameters.PAGING.on(router.get(path))}, so that the
 * check runs before its handler and a test can read, from the router alone, what each route takes.
 */
public record QueryParameters(Set<String> names, Set<String> prefixes) {

  private static final String METADATA = QueryParameters.class.getName();

  /** A route's that reads none, such as a GET of one object. */
  public static final QueryParameters NONE = new QueryParameters(Set.of(), Set.of());

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

  /** A route's that reads exactly these, without pages. */
  public static QueryParameters named(String... names) {
    return new QueryParameters(Set.of(names), Set.of());
  }

  /** These, and every parameter whose name starts with {@code prefix}. */
  public QueryParameters withPrefix(String prefix) {
    return new QueryParameters(names, Set.copyOf(Stream.concat(prefixes.stream(), Stream.of(prefix)).toList()));
  }

  /** {@code route}, which now refuses a query with any other parameter before its own handlers run. */
  public Route on(Route route) {
    return route.putMetadata(METADATA, this).handler(ctx -> {
      check(ctx.queryParams());
      ctx.next();
    });
  }

  /** What {@code route} declared with {@link #on(Route)}; null if it declared nothing. */
  public static QueryParameters of(Route route) {
    return route.getMetadata(METADATA);
  }

  /**
   * Refuses a query with a parameter this route does not read, or with one of them more than once. Names are compared
   * exactly: the query's map finds them without case, so until session 34 {@code label.Team} and {@code label.team},
   * two keys of one organization's labels, counted as one parameter given twice.
   */
  public void check(MultiMap query) {
    if (query.isEmpty()) {
      // what most requests send: counting nothing still built the maps and lists below, on every request
      return;
    }
    var counts = new TreeMap<String, Integer>();
    query.forEach((name, value) -> counts.merge(name, 1, Integer::sum));
    var unknown = new TreeSet<String>();
    counts.keySet().stream().filter(name -> !declares(name)).forEach(unknown::add);
    if (unknown.isEmpty()) {
      refuseRepeated(counts);
      return;
    }
    var known = new TreeSet<>(names);
    prefixes.forEach(prefix -> known.add(prefix + "<key>"));
    throw new ApiException(400, "unknown_parameter", "Unknown query parameter" + (unknown.size() == 1 ? " " : "s ")
        + String.join(", ", unknown) + "; this endpoint reads " + (known.isEmpty() ? "none" : String.join(", ", known))
        + ".",
        unknown.stream().map(name -> new ApiException.FieldError(name, "unknown parameter")).toList());
  }

  private static void refuseRepeated(Map<String, Integer> counts) {
    var repeated = counts.entrySet().stream().filter(count -> count.getValue() > 1).map(Map.Entry::getKey).toList();
    if (!repeated.isEmpty()) {
      throw new ApiException(400, "repeated_parameter", String.join(", ", repeated)
          + (repeated.size() == 1 ? " is" : " are") + " given more than once; give each parameter once.",
          repeated.stream().map(name -> new ApiException.FieldError(name, "given more than once")).toList());
    }
  }

  private boolean declares(String name) {
    return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
  }
}
