package dev.orgplane.kit.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The methods a path allows, for the {@code Allow} header every 405 must carry (RFC 9110 15.5.6): vertx-web 5.0
 * writes it only when no 405 handler is set, and keeps the methods it found to itself. They are read from the
 * OpenAPI document instead, which each service's tests keep equal to its routes. Like the router, a path gets the
 * methods of every template it matches ({@code /v1/users/me} those of {@code /v1/users/{uid}} too).
 */
final class AllowedMethods {

  private static final List<String> METHODS = List.of("get", "head", "post", "put", "patch", "delete");
  private static final List<Template> TEMPLATES = load();

  private AllowedMethods() {
  }

  /** The header's value for a path, or null for a path the document does not name. */
  static String of(String path) {
    var segments = path.split("/", -1);
    Set<String> allowed = new HashSet<>();
    for (var template : TEMPLATES) {
      if (template.matches(segments)) {
        allowed.addAll(template.methods());
      }
    }
    return allowed.isEmpty() ? null
        : String.join(", ", METHODS.stream().map(String::toUpperCase).filter(allowed::contains).toList());
  }

  private record Template(String[] segments, List<String> methods) {

    boolean matches(String[] path) {
      if (path.length != segments.length) {
        return false;
      }
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

  private static List<Template> load() {
    var paths = new JsonObject(Buffer.buffer(ApiDocument.bytes())).getJsonObject("paths");
    var templates = new ArrayList<Template>();
    for (var path : paths.fieldNames()) {
      var operations = paths.getJsonObject(path);
      // HEAD wherever GET (HeadRequests); the document names GET alone
      var methods = METHODS.stream().filter(method -> operations.containsKey(method)
          || method.equals("head") && operations.containsKey("get")).map(String::toUpperCase).toList();
      templates.add(new Template(path.split("/", -1), methods));
    }
    return List.copyOf(templates);
  }
}
