package dev.orgplane.org.team;

import dev.orgplane.kit.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;

/** A team inside one organization (the API calls them the organization's groups). */
record Team(UUID orgId, UUID id, String name, String title, JsonObject metadata, long members,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final Function<Row, Team> MAPPER = row -> new Team(row.getUUID("org_id"), row.getUUID("id"),
      row.getString("name"), row.getString("title"), row.getJsonObject("metadata"), row.getLong("members"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));

  JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("title", title).put("metadata", metadata)
        .put("memberCount", members).put("createdAt", Timestamps.iso(createdAt))
        .put("updatedAt", Timestamps.iso(updatedAt));
  }

  /**
   * What setting these fields (a null one: kept) changes, as an audit event's {@code details} name it:
   * {@code {field: {before, after}}} for each field that differs, as {@code organization.updated} does; empty when
   * nothing would change.
   */
  JsonObject changes(String newName, String newTitle, JsonObject newMetadata) {
    var changes = new JsonObject();
    change(changes, "name", name, newName);
    change(changes, "title", title, newTitle);
    change(changes, "metadata", metadata, newMetadata);
    return changes;
  }

  /** The {@link #changes} of a team whose name alone changed, from {@code before} to {@code after}. */
  static JsonObject renamed(String before, String after) {
    var changes = new JsonObject();
    change(changes, "name", before, after);
    return changes;
  }

  private static void change(JsonObject changes, String field, Object before, Object after) {
    if (after != null && !after.equals(before)) {
      changes.put(field, new JsonObject().put("before", before).put("after", after));
    }
  }
}
