package dev.orgplane.org.group;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;
import java.util.function.Function;

/** An admin of an organization group, as the group's admin list shows them. */
record GroupAdmin(UUID userId, String email, String name) {

  static final Function<Row, GroupAdmin> MAPPER = row -> new GroupAdmin(row.getUUID("id"), row.getString("email"),
      row.getString("name"));

  JsonObject toJson() {
    return new JsonObject().put("userId", userId.toString()).put("email", email).put("name", name);
  }
}
