package dev.orgplane.org.organization;

import dev.orgplane.kit.organization.OrganizationFields;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.function.Function;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant. {@code version} grows with every change and, with the id, is the ETag clients send in If-Match;
 * {@code provisionedFrom} ({templateId, jobId}) is set when the provisioning engine made it. A disabled one
 * says who disabled it ({@code disabledBy}, a {@link DisableLevel}), when, and why if they said.
 */
public record Organization(UUID id, String name, String title, String description, String avatar, String email,
    String website, JsonObject metadata, UUID groupId, String state, String disabledBy, OffsetDateTime disabledAt,
    String disabledReason, int version, JsonObject provisionedFrom, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final Function<Row, Organization> MAPPER = row -> new Organization(row.getUUID("id"),
      row.getString("name"), row.getString("title"), row.getString("description"), row.getString("avatar"),
      row.getString("email"), row.getString("website"), row.getJsonObject("metadata"), row.getUUID("group_id"),
      row.getString("state"), row.getString("disabled_by"), row.getOffsetDateTime("disabled_at"),
      row.getString("disabled_reason"), row.getInteger("version"), row.getJsonObject("provisioned_from"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"));

  /**
   * The organization's id and version: the version alone starts at 1 again for a new organization of a deleted one's
   * name, whose old tag then matched it.
   */
  public String etag() {
    return "\"" + id + ":" + version + "\"";
  }

  /**
   * The organization as a change of its profile leaves it: the fields {@code change} sends or clears, the rest as they
   * are; equal to this one when the change sends only what is stored.
   */
  public Organization changedBy(OrganizationFields change) {
    return new Organization(id, change.applied("name", change.name(), name),
        change.applied("title", change.title(), title),
        change.applied("description", change.description(), description),
        change.applied("avatar", change.avatar(), avatar), change.applied("email", change.email(), email),
        change.applied("website", change.website(), website), change.applied("metadata", change.metadata(), metadata),
        groupId, state, disabledBy, disabledAt, disabledReason, version, provisionedFrom, createdAt, updatedAt);
  }

  /** The API form (see {@link OrganizationView}). */
  public JsonObject toJson() {
    return OrganizationViews.MAPPER.view(this).toJson();
  }
}
