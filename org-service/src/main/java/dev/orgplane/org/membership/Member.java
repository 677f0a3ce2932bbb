package dev.orgplane.org.membership;

import dev.orgplane.kit.http.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A user's membership in one organization, with their roles there; {@code updatedAt} is when the roles last changed
 * (a copy's diff reads it as it reads any object's).
 */
record Member(UUID userId, String email, String name, List<String> roles, OffsetDateTime since,
    OffsetDateTime updatedAt) {

  static final Function<Row, Member> MAPPER = row -> new Member(row.getUUID("user_id"), row.getString("email"),
      row.getString("name"), roles(row), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));

  /**
   * A member's roles, a set: sorted by name, so that the same roles are answered (and compared, by a copy's diff) alike
   * in whatever order they were given.
   */
  static List<String> roles(Row row) {
    return Stream.of(row.getArrayOfStrings("roles")).sorted().toList();
  }

  JsonObject toJson() {
    return new JsonObject().put("userId", userId.toString()).put("email", email).put("name", name)
        .put("roles", new JsonArray(roles)).put("memberSince", Timestamps.iso(since))
        .put("updatedAt", Timestamps.iso(updatedAt));
  }
}
