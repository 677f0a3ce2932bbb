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
final class AllowedMethods {

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
   * stops at the first template of the path that takes the method, and gathers no set.
   */
  static boolean refuses(String path, HttpMethod method) {
    var segments = segments(path);
    var named = false;
    for (var template : TEMPLATES.getOrDefault(segments.length, List.of())) {
      if (template.matches(segments)) {
        if (template.methods().contains(method.name())) {
          return false;
        }
        named = true;
      }
    }
    return named;
  }

  private static Set<String> named(String path) {
    var segments = segments(path);
    Set<String> allowed = new HashSet<>();
    for (var template : TEMPLATES.getOrDefault(segments.length, List.of())) {
      if (template.matches(segments)) {
        allowed.addAll(template.methods());
      }
    }
    return allowed;
  }

  private static String[] segments(String path) {
    var trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return trimmed.split("/", -1);
  }

  private record Template(String[] segments, List<String> methods) {

    boolean matches(String[] path) {
      for (int i = 0; i < path.length; i++) {
        var segment = segments[i];
        var parameter = segment.startsWith("{") && segment.endsWith("}");
        if (parameter ? path[i].isEmpty() : !segment.equals(path[i])) {
          return false;
        }
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
      templates.add(new Template(path.split("/", -1), methods));
    }
    return Map.copyOf(templates.stream().collect(Collectors.groupingBy(template -> template.segments().length)));
  }
}
