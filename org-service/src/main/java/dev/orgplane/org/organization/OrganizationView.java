package dev.orgplane.org.organization;

import io.vertx.core.json.JsonObject;

/**
 * An organization as the API shows it. It differs from the stored {@link Organization}: ids and
 * instants are text (UTC, ISO-8601), and the version is not a field: it travels as the ETag.
 */
public record OrganizationView(String id, String name, String title, String description, String avatar,
    String email, String website, JsonObject metadata, String groupId, String state, String disabledBy,
    String disabledAt, String disabledReason, JsonObject provisionedFrom, String createdAt, String updatedAt) {

  /**
   * Its fields in the order of its components, as {@link JsonObject#mapFrom} gave them, without the round trip through
   * Jackson's tokens that took more of a read of an organization than anything else of ours. The objects in it are
   * copies: the answer may be changed without changing the organization it shows.
   */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("name", name).put("title", title).put("description", description)
        .put("avatar", avatar).put("email", email).put("website", website).put("metadata", copy(metadata))
        .put("groupId", groupId).put("state", state).put("disabledBy", disabledBy).put("disabledAt", disabledAt)
        .put("disabledReason", disabledReason).put("provisionedFrom", copy(provisionedFrom))
        .put("createdAt", createdAt).put("updatedAt", updatedAt);
  }

  private static JsonObject copy(JsonObject json) {
    return json == null ? null : json.copy();
  }
}
