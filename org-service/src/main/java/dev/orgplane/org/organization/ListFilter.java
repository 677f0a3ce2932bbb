package dev.orgplane.org.organization;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Query-string filters of the organization list: {@code query} text in the name or title (escaped for ILIKE),
 * {@code template} the organization was copied from ({@code provisionedFrom.templateId}), and {@code metadata} the
 * top-level strings its metadata must hold ({@code metadata.<key>=<value>}, all of them); null for any.
 */
record ListFilter(String query, String state, UUID groupId, UUID template, JsonObject metadata) {

  private static final String METADATA = "metadata.";
  static final QueryParameters PARAMETERS = QueryParameters.list("q", "state", "groupId", "provisionedFrom")
      .withPrefix(METADATA);

  static ListFilter read(MultiMap query) {
    var q = query.get("q");
    var state = query.get("state");
    if (state != null && !state.equals("enabled") && !state.equals("disabled")) {
      throw invalid("state must be enabled or disabled.");
    }
    var escaped = q == null ? null : q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return new ListFilter(escaped, state, uuid(query, "groupId"), uuid(query, "provisionedFrom"), metadata(query));
  }

  private static UUID uuid(MultiMap query, String name) {
    var value = query.get(name);
    if (value != null && !OrganizationRoutes.UUID_PATTERN.matcher(value).matches()) {
      throw invalid(name + " must be a UUID.");
    }
    return value == null ? null : UUID.fromString(value);
  }

  /** What {@code metadata.<key>=<value>} parameters ask for, as the object the metadata must contain. */
  private static JsonObject metadata(MultiMap query) {
    JsonObject wanted = null;
    for (var name : query.names()) {
      if (!name.startsWith(METADATA)) {
        continue;
      }
      var values = query.getAll(name);
      if (name.length() == METADATA.length()) {
        throw invalid("A metadata filter names its key: metadata.<key>=<value>.");
      }
      if (values.size() > 1) {
        // a key holds one string: two values would match nothing, and silently so
        throw invalid(name + " is given more than once.");
      }
      wanted = (wanted == null ? new JsonObject() : wanted).put(name.substring(METADATA.length()), values.get(0));
    }
    return wanted;
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid_filter", detail);
  }
}
