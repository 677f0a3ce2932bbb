package dev.orgplane.org.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A user's JSON is their view's components, each as Jackson's mapping of the view wrote it, in its order. */
class UserViewTest {

  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 12, 5, 22, 30, 18, 30_925_000,
      ZoneOffset.ofHours(-5));

  private static User verifiedAdmin() {
    return new User(UUID.randomUUID(), "ada@acme.example", "Ada \"the\" Lovelace ü", "$argon2id$hash", true, CREATED,
        CREATED.plusMinutes(4));
  }

  private static User unverifiedWithoutName() {
    return new User(UUID.randomUUID(), "bob@acme.example", null, "$argon2id$hash", false, CREATED, null);
  }

  private static User withoutCreation() {
    return new User(UUID.randomUUID(), "eve@acme.example", "Eve", null, false, null, null);
  }

  @Test
  void everyFieldIsWrittenAsJacksonsMappingOfTheViewWroteItInTheSameOrder() {
    for (var user : new User[] {verifiedAdmin(), unverifiedWithoutName(), withoutCreation()}) {
      assertEquals(JsonObject.mapFrom(UserViews.MAPPER.view(user)).encode(), user.toJson().encode());
    }
  }
}
