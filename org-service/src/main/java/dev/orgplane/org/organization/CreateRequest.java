package dev.orgplane.org.organization;

import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.kit.organization.OrganizationFields;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The body of {@code POST /v1/organizations}. The provisioning engine creates organizations for
 * someone else, so it must say which group they join and who owns them, and may say what they were
 * copied from; for anyone else {@code ownerId} and {@code provisionedFrom} are unknown fields.
 */
record CreateRequest(OrganizationFields fields, UUID groupId, UUID ownerId, JsonObject provisionedFrom) {

  private static final Set<String> FIELDS = union(OrganizationFields.PROFILE, Set.of("groupId"));
  private static final Set<String> PROVISIONER_FIELDS = union(FIELDS, Set.of("ownerId", "provisionedFrom"));
  private static final List<String> ORIGIN_FIELDS = List.of("templateId", "jobId");

  /**
   * Whether the body says where the organization goes or who owns it (fields the creator's rights
   * decide); a body that is no JSON object says nothing, and reading it answers why.
   */
  static boolean namesPlacement(RoutingContext ctx) {
    try {
      var body = ctx.body().asJsonObject();
      return body != null && (body.containsKey("groupId") || body.containsKey("ownerId")
          || body.containsKey("provisionedFrom"));
    } catch (RuntimeException malformed) {
      return false;
    }
  }

  static CreateRequest read(RoutingContext ctx, boolean provisioner) {
    var body = RequestBody.of(ctx, provisioner ? PROVISIONER_FIELDS : FIELDS);
    var fields = OrganizationFields.read(body, true);
    var groupId = uuid(body, "groupId", provisioner);
    var ownerId = provisioner ? uuid(body, "ownerId", true) : null;
    var provisionedFrom = provisioner ? origin(body) : null;
    body.validate();
    return new CreateRequest(fields, groupId, ownerId, provisionedFrom);
  }

  /** {@code {templateId, jobId}}, both UUIDs, stored as given (lower case). */
  private static JsonObject origin(RequestBody body) {
    var origin = body.optionalObject("provisionedFrom");
    if (origin == null) {
      return null;
    }
    var result = new JsonObject();
    origin.fieldNames().stream().filter(f -> !ORIGIN_FIELDS.contains(f)).sorted()
        .forEach(f -> body.reject("provisionedFrom." + f, "unknown field"));
    for (var field : ORIGIN_FIELDS) {
      if (origin.getValue(field) instanceof String s && OrganizationRoutes.UUID_PATTERN.matcher(s).matches()) {
        result.put(field, s.toLowerCase());
      } else {
        body.reject("provisionedFrom." + field, "must be a UUID");
      }
    }
    return result;
  }

  private static UUID uuid(RequestBody body, String field, boolean required) {
    var value = body.matching(field, OrganizationRoutes.UUID_PATTERN, "must be a UUID", required);
    return value == null ? null : UUID.fromString(value);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    var result = new HashSet<>(a);
    result.addAll(b);
    return Set.copyOf(result);
  }
}
