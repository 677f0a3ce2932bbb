package dev.orgplane.org.user;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.function.Function;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A person (or the platform admin) who signs in with email and password. */
public record User(UUID id, String email, String name, String passwordHash, boolean platformAdmin,
    OffsetDateTime createdAt) {

  static final String COLUMNS = "id, email, name, password_hash, platform_admin, created_at";

  static final Function<Row, User> MAPPER = row -> new User(row.getUUID("id"), row.getString("email"),
      row.getString("name"), row.getString("password_hash"), row.getBoolean("platform_admin"),
      row.getOffsetDateTime("created_at"));

  /** The API form (see {@link UserView}). */
  public JsonObject toJson() {
    return JsonObject.mapFrom(UserViews.MAPPER.view(this));
  }
}
