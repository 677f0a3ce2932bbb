package dev.orgplane.org.user;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.function.Function;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A person (or the platform admin) who signs in with email and password. */
public record User(UUID id, String email, String name, String passwordHash, boolean platformAdmin,
    OffsetDateTime createdAt, OffsetDateTime emailVerifiedAt) {

  static final String COLUMNS = "id, email, name, password_hash, platform_admin, created_at, email_verified_at";

  static final Function<Row, User> MAPPER = row -> new User(row.getUUID("id"), row.getString("email"),
      row.getString("name"), row.getString("password_hash"), row.getBoolean("platform_admin"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("email_verified_at"));

  /** Whether the owner of {@code email} has shown they read its mail (see {@code EmailVerificationRoutes}). */
  public boolean emailVerified() {
    return emailVerifiedAt != null;
  }

  /**
   * What others who list this person as a member see of them: what the member list shows, without when and how the
   * account was made or whether it runs the platform.
   */
  public JsonObject toProfileJson() {
    return new JsonObject().put("id", id.toString()).put("email", email).put("name", name);
  }

  /** The API form (see {@link UserView}). */
  public JsonObject toJson() {
    return UserViews.MAPPER.view(this).toJson();
  }
}
