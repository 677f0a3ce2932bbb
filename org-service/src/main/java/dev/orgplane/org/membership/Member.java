package dev.orgplane.org.membership;

import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.role.RoleSet;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A user's membership in one organization, with their roles there; {@code updatedAt} is when the roles last changed
 * (a copy's diff reads it as it reads any object's).
 */
record Member(UUID userId, String email, String name, List<String> roles, OffsetDateTime since,
    OffsetDateTime updatedAt) {

  static final Function<Row, Member> MAPPER = row -> new Member(row.getUUID("user_id"), row.getString("email"),
      row.getString("name"), RoleSet.of(row), row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"));

  JsonObject toJson() {
    return new JsonObject().put("userId", userId.toString()).put("email", email).put("name", name)
        .put("roles", new JsonArray(roles)).put("memberSince", Timestamps.iso(since))
        .put("updatedAt", Timestamps.iso(updatedAt));
  }
}
