package dev.orgplane.org.role;

import dev.orgplane.kit.http.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/** A role an organization defines for itself from catalog permissions. */
record CustomRole(UUID id, UUID orgId, String name, String title, List<String> permissions, JsonObject metadata,
    OffsetDateTime createdAt, OffsetDateTime updatedAt) {

  static final Function<Row, CustomRole> MAPPER = row -> new CustomRole(row.getUUID("id"), row.getUUID("org_id"),
      row.getString("name"), row.getString("title"), List.of(row.getArrayOfStrings("permissions")),
      row.getJsonObject("metadata"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));

  /** Whether both say the same: name, title, metadata and permissions (a set: order says nothing). */
  boolean sameAs(CustomRole other) {
    return name.equals(other.name) && title.equals(other.title) && metadata.equals(other.metadata)
        && Set.copyOf(permissions).equals(Set.copyOf(other.permissions));
  }

  /** Whether {@code changed} leaves out a permission this role carries: it takes that from whoever holds the role. */
  boolean narrowedBy(CustomRole changed) {
    return !Set.copyOf(changed.permissions).containsAll(permissions);
  }

  /** Whether {@code changed} carries a permission this role does not: it gives that to whoever holds the role. */
  boolean widenedBy(CustomRole changed) {
    return !Set.copyOf(permissions).containsAll(changed.permissions);
  }

  JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name).put("title", title)
        .put("permissions", new JsonArray(permissions)).put("metadata", metadata).put("predefined", false)
        .put("createdAt", Timestamps.iso(createdAt)).put("updatedAt", Timestamps.iso(updatedAt));
  }
}
