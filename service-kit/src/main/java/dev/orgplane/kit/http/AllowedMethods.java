package dev.orgplane.kit.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The methods a path allows, for the {@code Allow} header every 405 must carry (RFC 9110 15.5.6), and for
 * {@link DocumentedMethods}, which refuses the others: vertx-web 5.0 writes the header only when no 405 handler is
 * set, and keeps the methods it found to itself. They are read from the OpenAPI document instead, which each
 * service's tests keep equal to its routes. Like the router, a path gets the methods of every template it matches
 * ({@code /v1/users/me} those of {@code /v1/users/{uid}} too), with or without a trailing {@code /}.
 */
public final class AllowedMethods {

  private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
  /** The templates by their number of segments, the first thing that tells a path from most of them. */
  private static final Map<Integer, List<Template>> TEMPLATES = load();

  private AllowedMethods() {
  }

  /** The header's value for a path, or null for a path the document does not name. */
  static String of(String path) {
    var allowed = named(path);
    return allowed.isEmpty() ? null : String.join(", ", METHODS.stream().filter(allowed::contains).toList());
  }

  /**
   * Whether the document names {@code path}, but not {@code method} on it. Asked of every request at every hop: it
   * stops at the first template of the path that takes the method, gathers no set, and reads the path in place
   * (split into segments, it was an array and a string per segment for every request).
   */
  public static boolean refuses(String path, HttpMethod method) {
    int end = end(path);
    var named = false;
    for (var template : TEMPLATES.getOrDefault(segmentCount(path, end), List.of())) {
      if (template.matches(path, end)) {
        if (template.methods().contains(method.name())) {
          return false;
        }
        named = true;
      }
    }
    return named;
  }

  private static Set<String> named(String path) {
    int end = end(path);
    Set<String> allowed = new HashSet<>();
    for (var template : TEMPLATES.getOrDefault(segmentCount(path, end), List.of())) {
      if (template.matches(path, end)) {
        allowed.addAll(template.methods());
      }
    }
    return allowed;
  }

  /** Where the path's segments end: before a trailing {@code /}, which the router ignores. */
  private static int end(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.length() - 1 : path.length();
  }

  /** How many segments {@code path} has up to {@code end}, the empty one before its first {@code /} included. */
  private static int segmentCount(String path, int end) {
    int count = 1;
    for (int i = path.indexOf('/'); i >= 0 && i < end; i = path.indexOf('/', i + 1)) {
      count++;
    }
    return count;
  }

  /** A path of the document: its segments, and which of them are parameters ({@code {id}}), any non-empty text. */
  private record Template(String[] segments, boolean[] parameters, List<String> methods) {

    static Template of(String path, List<String> methods) {
      var segments = path.split("/", -1);
      var parameters = new boolean[segments.length];
      for (int i = 0; i < segments.length; i++) {
        parameters[i] = segments[i].startsWith("{") && segments[i].endsWith("}");
      }
      return new Template(segments, parameters, methods);
    }

    /** Whether {@code path} up to {@code end}, of as many segments as this template, matches it segment by segment. */
    boolean matches(String path, int end) {
      int from = 0;
      for (int i = 0; i < segments.length; i++) {
        int to = path.indexOf('/', from);
        to = to < 0 ? end : to;
        if (parameters[i] ? to == from
            : to - from != segments[i].length() || !path.regionMatches(from, segments[i], 0, to - from)) {
          return false;
        }
        from = to + 1;
      }
      return true;
    }
  }

  private static Map<Integer, List<Template>> load() {
    var paths = new JsonObject(Buffer.buffer(ApiDocument.bytes())).getJsonObject("paths");
    var templates = new ArrayList<Template>();
    for (var path : paths.fieldNames()) {
      var operations = paths.getJsonObject(path);
      // HEAD wherever GET (HeadRequests); the document names GET alone
      var methods = METHODS.stream().filter(method -> operations.containsKey(method.toLowerCase(Locale.ROOT))
          || method.equals("HEAD") && operations.containsKey("get")).toList();
      templates.add(Template.of(path, methods));
    }
    return Map.copyOf(templates.stream().collect(Collectors.groupingBy(template -> template.segments().length)));
  }
}
