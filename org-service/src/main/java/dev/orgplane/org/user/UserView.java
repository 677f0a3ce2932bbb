package dev.orgplane.org.user;

import io.vertx.core.json.JsonObject;

/** A user as the API shows them: never the password hash. */
public record UserView(String id, String email, boolean emailVerified, String name, boolean platformAdmin,
    String createdAt) {

  /**
   * Its fields in the order of its components, as {@link JsonObject#mapFrom} gave them, without the round trip through
   * Jackson's tokens that a read of a user, or of a list of them, paid for each one.
   */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("email", email).put("emailVerified", emailVerified).put("name", name)
        .put("platformAdmin", platformAdmin).put("createdAt", createdAt);
  }
}
