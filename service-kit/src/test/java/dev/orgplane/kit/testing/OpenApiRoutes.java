package dev.orgplane.kit.testing;

import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps the OpenAPI document honest: compares the operations it documents with the routes a
 * service's {@link Router} really registers, both written as {@code "GET /v1/organizations/{org}"}.
 * Each service checks only the paths it owns, since the document covers the whole public API.
 */
public final class OpenApiRoutes {

  /** Where service-kit ships the document; the gateway serves the same resource. */
  public static final String RESOURCE = "dev/orgplane/openapi.json";

  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final Set<String> OPERATIONS = Set.of("get", "put", "post", "delete", "patch", "head",
      "options", "trace");
  private static final Pattern PATH_PARAMETER = Pattern.compile(":([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([A-Za-z][A-Za-z0-9]*)>[^)]*\\)");
  /** How a 400 says which query parameters are refused as unknown: all, or all but those it names. */
  private static final Pattern UNKNOWN_PARAMETERS = Pattern.compile(
      "`unknown_parameter` \\((any query parameter|any parameter but ([^)]*))\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

  private final JsonObject document;

  OpenApiRoutes(JsonObject document) {
    this.document = document;
  }

  /** The document from the classpath, as the gateway serves it. */
  public static OpenApiRoutes load() {
    try (var in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new OpenApiRoutes(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonObject document() {
    return document;
  }

  /** Every documented operation; path-level keys such as {@code parameters} are not operations. */
  public Set<String> documented() {
    var operations = new TreeSet<String>();
    var paths = document.getJsonObject("paths");
    for (var path : paths.fieldNames()) {
      for (var key : paths.getJsonObject(path).fieldNames()) {
        if (OPERATIONS.contains(key)) {
          operations.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }

  /**
   * Every endpoint the router answers. Routes without a method (request ids, body, bearer auth) and
   * prefix routes such as {@code post("/v1/*")} (idempotency keys) are middleware, not endpoints.
   */
  public static Set<String> registered(Router router) {
    var operations = new TreeSet<String>();
    for (var route : router.getRoutes()) {
      var methods = route.methods();
      var path = openApiPath(route);
      if (methods == null || methods.isEmpty() || path == null) {
        continue;
      }
      for (HttpMethod method : documentable(route)) {
        operations.add(method.name() + " " + path);
      }
    }
    return operations;
  }

  /** The route's methods but a HEAD its GET brings ({@link dev.orgplane.kit.http.HeadRequests}): the GET names it. */
  private static Set<HttpMethod> documentable(Route route) {
    var methods = new HashSet<>(route.methods());
    if (methods.contains(HttpMethod.GET)) {
      methods.remove(HttpMethod.HEAD);
    }
    return methods;
  }

  /**
   * {@code /a/:org} becomes {@code /a/{org}}, and {@code /a/(?<org>[^/]+)/b} becomes {@code /a/{org}/b}.
   * Vert.x keeps the path of a path route (also when it compiled {@code :org} into a regex), and only
   * the name, which is the pattern, of a route made from a regex.
   */
  static String openApiPath(Route route) {
    if (!route.isExactPath()) {
      return null;
    }
    if (route.getPath() != null) {
      return PATH_PARAMETER.matcher(route.getPath()).replaceAll("{$1}");
    }
    return route.isRegexPath() ? NAMED_GROUP.matcher(route.getName()).replaceAll("{$1}") : null;
  }

  /**
   * Fails, naming every route the router registers that the document lacks and every documented
   * route the router does not register, among paths that start with one of {@code ownedPrefixes}
   * and with none of {@code exceptPrefixes}.
   */
  public void assertMatches(Router router, List<String> ownedPrefixes, List<String> exceptPrefixes) {
    var registered = inScope(registered(router), ownedPrefixes, exceptPrefixes);
    var documented = inScope(documented(), ownedPrefixes, exceptPrefixes);
    var undocumented = new TreeSet<>(registered);
    undocumented.removeAll(documented);
    var unregistered = new TreeSet<>(documented);
    unregistered.removeAll(registered);
    if (!undocumented.isEmpty() || !unregistered.isEmpty()) {
      throw new AssertionError(RESOURCE + " and the router disagree."
          + listing("Registered but not documented", undocumented)
          + listing("Documented but not registered", unregistered));
    }
  }

  /**
   * Fails, naming each route among these paths whose query parameters disagree with the document: a GET that does not
   * declare its own ({@link QueryParameters#on}, none included), another that reads parameters the document gives it
   * without declaring them, a declared name the operation does not list or a listed one it does not declare, a family
   * ({@code metadata.<key>}) its description does not mention, and a declaring route whose 400 answer does not name
   * {@code unknown_parameter}. Clients and the fuzzers learn from the document what they may send.
   */
  public void assertQueryParameters(Router router, List<String> ownedPrefixes, List<String> exceptPrefixes) {
    var mismatches = new TreeSet<String>();
    for (var route : router.getRoutes()) {
      var path = openApiPath(route);
      if (route.methods() == null || path == null || !inScope(path, ownedPrefixes, exceptPrefixes)) {
        continue;
      }
      for (var method : documentable(route)) {
        var problem = queryMismatch(QueryParameters.of(route), method, path);
        if (problem != null) {
          mismatches.add(method.name() + " " + path + ": " + problem);
        }
      }
    }
    if (!mismatches.isEmpty()) {
      throw new AssertionError(RESOURCE + " and the routes' query parameters disagree:\n  "
          + String.join("\n  ", mismatches));
    }
  }

  private String queryMismatch(QueryParameters declared, HttpMethod method, String path) {
    var operation = document.getJsonObject("paths").getJsonObject(path, new JsonObject())
        .getJsonObject(method.name().toLowerCase(Locale.ROOT), new JsonObject());
    var documented = queryParameters(method.name() + " " + path);
    if (declared == null) {
      return "declares no query parameters";
    }
    var problems = new ArrayList<String>();
    var undocumented = new TreeSet<>(declared.names());
    undocumented.removeAll(documented);
    var undeclared = new TreeSet<>(documented);
    undeclared.removeAll(declared.names());
    if (!undocumented.isEmpty()) {
      problems.add("declared but not documented " + undocumented);
    }
    if (!undeclared.isEmpty()) {
      problems.add("documented but not declared " + undeclared);
    }
    var description = operation.getString("description", "");
    declared.prefixes().stream().sorted().filter(prefix -> !description.contains(prefix + "<key>"))
        .forEach(prefix -> problems.add("the description does not mention " + prefix + "<key>"));
    var refusal = operation.getJsonObject("responses", new JsonObject()).getJsonObject("400", new JsonObject());
    for (var code : List.of("`unknown_parameter`", "`repeated_parameter`")) {
      if (!refusal.getString("description", "").contains(code)) {
        problems.add("its 400 does not name " + code);
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /**
   * Fails, naming each operation that breaks a rule the whole API keeps, so that a route added or edited by hand cannot
   * drift from it: a parameter listed twice in one place (OpenAPI 3.1 forbids two of one name and location); an
   * authenticated POST that does not take {@code Idempotency-Key}, or whose 409 and 422 do not name
   * {@code idempotency_key_in_use} and {@code idempotency_key_reused} ({@code IdempotencyKeys} honours the key on every
   * POST a token makes); an operation with a JSON body whose 400 does not name {@code malformed_json}; one that takes
   * {@code order} whose 400 does not name {@code invalid_order}; one with an id in its path ({@code format: uuid})
   * whose 400 does not name {@code validation_failed} (a path id that is no UUID); a 400 that says which query parameters are not
   * unknown ("any parameter but ...", "any query parameter") and names others than the operation takes.
   */
  public void assertConventions() {
    var broken = new TreeSet<String>();
    var paths = document.getJsonObject("paths");
    for (var path : paths.fieldNames()) {
      var item = paths.getJsonObject(path);
      repeatedParameters(item.getJsonArray("parameters")).forEach(twice -> broken.add(path + ": lists " + twice
          + " twice"));
      for (var method : item.fieldNames()) {
        if (OPERATIONS.contains(method)) {
          var operation = item.getJsonObject(method);
          var name = method.toUpperCase(Locale.ROOT) + " " + path;
          conventionsBroken(item, method, operation).forEach(problem -> broken.add(name + ": " + problem));
        }
      }
    }
    if (!broken.isEmpty()) {
      throw new AssertionError(RESOURCE + " breaks the API's conventions:\n  " + String.join("\n  ", broken));
    }
  }

  private List<String> conventionsBroken(JsonObject item, String method, JsonObject operation) {
    var problems = new ArrayList<String>();
    repeatedParameters(operation.getJsonArray("parameters")).forEach(twice -> problems.add("lists " + twice
        + " twice"));
    var responses = operation.getJsonObject("responses", new JsonObject());
    if ("post".equals(method) && authenticated(operation)) {
      if (!parameters(item, operation).contains("header " + IDEMPOTENCY_KEY)) {
        problems.add("takes no " + IDEMPOTENCY_KEY);
      }
      problems.addAll(unnamedCodes(responses, "409", "idempotency_key_in_use"));
      problems.addAll(unnamedCodes(responses, "422", "idempotency_key_reused"));
    }
    var body = operation.getJsonObject("requestBody", new JsonObject()).getJsonObject("content", new JsonObject());
    if (body.containsKey("application/json")) {
      problems.addAll(unnamedCodes(responses, "400", "malformed_json"));
    }
    if (takesUuidInPath(item, operation)) {
      problems.addAll(unnamedCodes(responses, "400", "validation_failed"));
    }
    var query = parameters(item, operation).stream().filter(parameter -> parameter.startsWith("query "))
        .map(parameter -> parameter.substring("query ".length())).collect(Collectors.toCollection(TreeSet::new));
    if (query.contains("order")) {
      problems.addAll(unnamedCodes(responses, "400", "invalid_order"));
    }
    var named = knownParametersNamed(responses.getJsonObject("400", new JsonObject()).getString("description", ""));
    if (named != null && !named.equals(query)) {
      problems.add("its 400 says " + named + " are no unknown parameters, but it takes " + query);
    }
    return problems;
  }

  /**
   * The query parameters a 400's {@code unknown_parameter} says are not unknown: none for "any query parameter",
   * those named for "any parameter but ..."; null when it says neither.
   */
  private static Set<String> knownParametersNamed(String description) {
    var unknown = UNKNOWN_PARAMETERS.matcher(description);
    if (!unknown.find()) {
      return null;
    }
    var named = new TreeSet<String>();
    if (unknown.group(2) != null) {
      CODE_SPAN.matcher(unknown.group(2)).results().forEach(name -> named.add(name.group(1)));
    }
    return named;
  }

  /** Whether the operation needs a token: the security it (or else the document) requires has no empty alternative. */
  private boolean authenticated(JsonObject operation) {
    var security = operation.getJsonArray("security", document.getJsonArray("security", new JsonArray()));
    return !security.isEmpty() && security.stream().noneMatch(requirement -> ((JsonObject) requirement).isEmpty());
  }

  private static List<String> unnamedCodes(JsonObject responses, String status, String code) {
    var description = responses.getJsonObject(status, new JsonObject()).getString("description", "");
    return description.contains("`" + code + "`") ? List.of()
        : List.of("its " + status + " does not name `" + code + "`");
  }

  /** Whether a segment of the path is an id ({@code format: uuid}), which every route refuses unless it is one. */
  private boolean takesUuidInPath(JsonObject item, JsonObject operation) {
    for (var list : new JsonArray[] {item.getJsonArray("parameters"), operation.getJsonArray("parameters")}) {
      for (var parameter : list == null ? new JsonArray() : list) {
        var resolved = resolve((JsonObject) parameter);
        if ("path".equals(resolved.getString("in"))
            && "uuid".equals(resolved.getJsonObject("schema", new JsonObject()).getString("format"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The path's and the operation's parameters, each as {@code "<in> <name>"}. */
  private Set<String> parameters(JsonObject item, JsonObject operation) {
    var named = new TreeSet<String>();
    for (var list : new JsonArray[] {item.getJsonArray("parameters"), operation.getJsonArray("parameters")}) {
      for (var parameter : list == null ? new JsonArray() : list) {
        named.add(location((JsonObject) parameter));
      }
    }
    return named;
  }

  private Set<String> repeatedParameters(JsonArray parameters) {
    var seen = new HashSet<String>();
    var repeated = new TreeSet<String>();
    for (var parameter : parameters == null ? new JsonArray() : parameters) {
      var location = location((JsonObject) parameter);
      // header names are case-insensitive (RFC 9110, 5.1)
      if (!seen.add(location.startsWith("header ") ? location.toLowerCase(Locale.ROOT) : location)) {
        repeated.add(location);
      }
    }
    return repeated;
  }

  private String location(JsonObject parameter) {
    var resolved = resolve(parameter);
    return resolved.getString("in") + " " + resolved.getString("name");
  }

  /** The names of the query parameters the document gives {@code "GET /v1/..."}: its own and its path's. */
  public Set<String> queryParameters(String operation) {
    var space = operation.indexOf(' ');
    var item = document.getJsonObject("paths").getJsonObject(operation.substring(space + 1), new JsonObject());
    var own = item.getJsonObject(operation.substring(0, space).toLowerCase(Locale.ROOT), new JsonObject());
    var names = new TreeSet<String>();
    for (var list : new JsonArray[] {item.getJsonArray("parameters"), own.getJsonArray("parameters")}) {
      for (var parameter : list == null ? new JsonArray() : list) {
        var resolved = resolve((JsonObject) parameter);
        if ("query".equals(resolved.getString("in"))) {
          names.add(resolved.getString("name"));
        }
      }
    }
    return names;
  }

  /** A parameter, or the one {@code #/components/parameters/<name>} it refers to. */
  private JsonObject resolve(JsonObject parameter) {
    var ref = parameter.getString("$ref");
    return ref == null ? parameter : document.getJsonObject("components").getJsonObject("parameters")
        .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
  }

  private static Set<String> inScope(Set<String> operations, List<String> owned, List<String> except) {
    return operations.stream().filter(operation -> inScope(operation.substring(operation.indexOf(' ') + 1), owned,
        except)).collect(Collectors.toCollection(TreeSet::new));
  }

  private static boolean inScope(String path, List<String> owned, List<String> except) {
    return owned.stream().anyMatch(path::startsWith) && except.stream().noneMatch(path::startsWith);
  }

  private static String listing(String title, Set<String> operations) {
    return operations.isEmpty() ? "" : "\n" + title + " (" + operations.size() + "):\n  "
        + String.join("\n  ", operations);
  }
}
