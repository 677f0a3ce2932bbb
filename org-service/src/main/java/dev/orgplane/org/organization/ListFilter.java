package dev.orgplane.org.organization;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.http.QueryParameters;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Query-string filters of the organization list: {@code query} text in the name or title (escaped for ILIKE),
 * {@code template} the organization was copied from ({@code provisionedFrom.templateId}), and {@code metadata} the
 * strings its metadata must hold, all of them: top-level ones ({@code metadata.<key>=<value>}) and labels, the
 * default meta-schema's map of strings ({@code label.<key>=<value>}, its {@code labels.<key>}); null for any.
 */
record ListFilter(String query, String state, UUID groupId, UUID template, JsonObject metadata) {

  private static final String METADATA = "metadata.";
  private static final String LABEL = "label.";
  /** The list's parameters: these filters, and its {@link ListOrder}. */
  static final QueryParameters PARAMETERS = QueryParameters.list("q", "state", "groupId", "provisionedFrom",
      ListOrder.PARAMETER).withPrefix(METADATA).withPrefix(LABEL);

  static ListFilter read(MultiMap query) {
    var q = query.get("q");
    var state = query.get("state");
    if (state != null && !state.equals("enabled") && !state.equals("disabled")) {
      throw invalid("state must be enabled or disabled.");
    }
    var escaped = q == null ? null : q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return new ListFilter(escaped, state, uuid(query, "groupId"), uuid(query, "provisionedFrom"),
        metadata(query));
  }

  private static UUID uuid(MultiMap query, String name) {
    var value = query.get(name);
    if (value != null && !OrganizationRoutes.UUID_PATTERN.matcher(value).matches()) {
      throw invalid(name + " must be a UUID.");
    }
    return value == null ? null : UUID.fromString(value);
  }

  /** What the metadata and label parameters ask for, as the object the metadata must contain. */
  private static JsonObject metadata(MultiMap query) {
    var wanted = strings(query, METADATA);
    var labels = strings(query, LABEL);
    if (labels == null) {
      return wanted;
    }
    if (wanted != null && wanted.containsKey("labels")) {
      throw invalid("metadata.labels and label.<key> ask for labels twice; use label.<key> only.");
    }
    return (wanted == null ? new JsonObject() : wanted).put("labels", labels);
  }

  /**
   * The {@code <prefix><key>=<value>} parameters, as an object of those keys; null if there are none. Read by their
   * names as sent, as keys are: the query's map finds a name without case.
   */
  private static JsonObject strings(MultiMap query, String prefix) {
    JsonObject wanted = null;
    for (var parameter : query) {
      var name = parameter.getKey();
      if (!name.startsWith(prefix)) {
        continue;
      }
      if (name.length() == prefix.length()) {
        throw invalid("A filter of this family names its key: " + prefix + "<key>=<value>.");
      }
      wanted = (wanted == null ? new JsonObject() : wanted).put(name.substring(prefix.length()), parameter.getValue());
    }
    return wanted;
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid_filter", detail);
  }
}
