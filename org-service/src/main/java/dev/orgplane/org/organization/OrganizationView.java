package dev.orgplane.org.organization;

import io.vertx.core.json.JsonObject;

/**
 * An organization as the API shows it. It differs from the stored {@link Organization}: ids and
 * instants are text (UTC, ISO-8601), and the version is not a field: it travels as the ETag.
 */
public record OrganizationView(String id, String name, String title, String description, String avatar,
    String email, String website, JsonObject metadata, String groupId, String state, String disabledBy,
    String disabledAt, String disabledReason, JsonObject provisionedFrom, String createdAt, String updatedAt) {
}
