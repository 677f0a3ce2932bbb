package dev.orgplane.org.group;

import dev.orgplane.kit.http.Timestamps;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.function.Function;

/** A set of organizations run by its group admins (one company's tenants, say). */
record OrganizationGroup(UUID id, String name, OffsetDateTime createdAt) {

  static final Function<Row, OrganizationGroup> MAPPER = row -> new OrganizationGroup(row.getUUID("id"),
      row.getString("name"), row.getOffsetDateTime("created_at"));

  JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("name", name)
        .put("createdAt", Timestamps.iso(createdAt));
  }
}
