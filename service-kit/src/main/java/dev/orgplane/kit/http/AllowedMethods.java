package dev.orgplane.kit.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The methods a path allows, for the {@code Allow} header every 405 must carry (RFC 9110 15.5.6), and for
 * {@link DocumentedMethods}, which refuses the others: vertx-web 5.0 writes the header only when no 405 handler is
 * set, and keeps the methods it found to itself. They are read from the OpenAPI document instead, which each
 * service's tests keep equal to its routes. Like the router, a path gets the methods of every template it matches
 * ({@code /v1/users/me} those of {@code /v1/users/{uid}} too), with or without a trailing {@code /}.
 */
public final class AllowedMethods {

  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  /**
   * The document's templates as a tree of their segments, read one segment of a path at a time: asked of every request
   * at every hop, a path is matched against the few templates that share its beginning, not against every template of
   * its length (up to 42, a tenth of a microsecond's work each time).
   */
  private static final Segment ROOT = load();

  private AllowedMethods() {
  }

  /** The header's value for a path, or null for a path the document does not name. */
  static String of(String path) {
    int allowed = allowed(path);
    return allowed == 0 ? null
        : String.join(", ", METHODS.stream().filter(method -> (allowed & bit(method)) != 0).toList());
  }

  /** Whether the document names {@code path}, but not {@code method} on it. Reads the path in place. */
  public static boolean refuses(String path, HttpMethod method) {
    int allowed = allowed(path);
    return allowed != 0 && (allowed & bit(method.name())) == 0;
  }

  /** The methods of every template {@code path} matches, one bit each ({@link #bit}); none for a path not named. */
  private static int allowed(String path) {
    // a trailing '/' ends no segment: the router ignores it
    int end = path.length() > 1 && path.endsWith("/") ? path.length() - 1 : path.length();
    return ROOT.allowed(path, 0, end);
  }

  /** A method's bit among the {@link #METHODS}; none for another method, which no template takes. */
  private static int bit(String method) {
    int index = METHODS.indexOf(method);
    return index < 0 ? 0 : 1 << index;
  }

  /**
   * A segment of the document's templates: the methods of the template that ends with it (none if none does), the
   * literal segments that follow it and the parameter ({@code {id}}, any non-empty text) that does.
   */
  private static final class Segment {

    private final List<String> names = new ArrayList<>();
    private final List<Segment> literals = new ArrayList<>();
    private Segment parameter;
    private int methods;

    /**
     * The methods of the templates that the rest of {@code path}, from {@code from} up to {@code end}, matches after
     * this segment: a literal segment and a parameter may both match it.
     */
    int allowed(String path, int from, int end) {
      if (from > end) {
        return methods;
      }
      int to = path.indexOf('/', from);
      to = to < 0 || to > end ? end : to;
      var literal = literal(path, from, to);
      int allowed = literal == null ? 0 : literal.allowed(path, to + 1, end);
      return parameter != null && to > from ? allowed | parameter.allowed(path, to + 1, end) : allowed;
    }

    private Segment literal(String path, int from, int to) {
      for (int i = 0; i < names.size(); i++) {
        var name = names.get(i);
        if (name.length() == to - from && path.regionMatches(from, name, 0, to - from)) {
          return literals.get(i);
        }
      }
      return null;
    }

    /** The segment that follows this one as {@code name} in a template, added if none does yet. */
    private Segment next(String name) {
      if (name.startsWith("{") && name.endsWith("}")) {
        parameter = parameter == null ? new Segment() : parameter;
        return parameter;
      }
      int index = names.indexOf(name);
      if (index >= 0) {
        return literals.get(index);
      }
      names.add(name);
      literals.add(new Segment());
      return literals.get(literals.size() - 1);
    }
  }

  private static Segment load() {
    var paths = new JsonObject(Buffer.buffer(ApiDocument.bytes())).getJsonObject("paths");
    var root = new Segment();
    for (var path : paths.fieldNames()) {
      var operations = paths.getJsonObject(path);
      var template = root;
      for (var name : path.split("/", -1)) {
        template = template.next(name);
      }
      for (var method : METHODS) {
        // HEAD wherever GET (HeadRequests); the document names GET alone
        if (operations.containsKey(method.toLowerCase(Locale.ROOT))
            || method.equals("HEAD") && operations.containsKey("get")) {
          template.methods |= bit(method);
        }
      }
    }
    return root;
  }
}
