package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestBodyEmailTest {

  private static final String LONGEST = "a".repeat(64) + "@" + "b".repeat(RequestBody.MAX_EMAIL - 69) + ".com";

  @Test
  void aFieldAndANestedAddressAreHeldToTheSameRule() {
    for (var accepted : List.of("ann@example.com", "a.b+c@mail.example.org", LONGEST)) {
      assertTrue(RequestBody.isEmail(accepted), accepted);
      assertEquals(accepted, read(accepted), accepted);
    }
    for (var refused : List.of("no-at.example.com", "two@@example.com", "ann@localhost", "ann @example.com",
        "a".repeat(65) + "@example.com", "x" + LONGEST, "ann\u0000@example.com",
        "ann\ud800@example.com", "ann\u0001@example.com", "ann@example.com\u0085x", "ann@exa\u007fmple.com")) {
      assertFalse(RequestBody.isEmail(refused), refused);
      assertThrows(ApiException.class, () -> read(refused), refused);
    }
  }

  @Test
  void aFieldSaysWhyItsAddressIsRefused() {
    assertEquals("must be an email address", refusal("no-at.example.com"));
    assertEquals("must be at most " + RequestBody.MAX_EMAIL + " characters", refusal("x" + LONGEST));
    assertEquals("must not contain NUL characters", refusal("ann\u0000@example.com"));
    assertEquals("must not contain unpaired UTF-16 surrogates", refusal("ann\udc00@example.com"));
  }

  @Test
  void anOptionalAddressMayBeLeftOut() {
    var body = RequestBody.of(new JsonObject(), Set.of("email"));
    assertNull(body.email("email", false));
    body.validate();
  }

  private static String read(String address) {
    var body = RequestBody.of(new JsonObject().put("email", address), Set.of("email"));
    var read = body.email("email", true);
    body.validate();
    return read;
  }

  private static String refusal(String address) {
    var refused = assertThrows(ApiException.class, () -> read(address));
    assertEquals(1, refused.errors().size());
    return refused.errors().get(0).message();
  }
}
