package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreeFormJsonTest {

  private static final String SURROGATE = "must not contain unpaired UTF-16 surrogates";
  private static final String NUL = "must not contain NUL characters";

  /** JSON as a client sends it: a lone surrogate written as an escape, which a Java string would send as {@code ?}. */
  private static JsonObject parsed(String json) {
    return new JsonObject(Buffer.buffer(json));
  }

  @Test
  void textNoneCanStoreAsSentIsFoundAnywhereKeysIncluded() {
    assertEquals(SURROGATE, FreeFormJson.problem(parsed("{\"a\":\"\\ud800\"}")));
    assertEquals(SURROGATE, FreeFormJson.problem(parsed("{\"\\ud800\":1,\"\\udbff\":2}")), "keys that became one");
    assertEquals(SURROGATE, FreeFormJson.problem(parsed("{\"a\":{\"b\":[1,{\"c\":[\"x\\udfffy\"]}]}}")));
    assertEquals(SURROGATE, FreeFormJson.problem(parsed("{\"a\":[{\"ok\\udc00\":true}]}")));
    assertEquals(NUL, FreeFormJson.problem(parsed("{\"a\":[\"\\u0000\"]}")));
    assertEquals(NUL, FreeFormJson.problem(parsed("{\"a\\u0000\":1}")));
    assertEquals(SURROGATE, FreeFormJson.problem("aaaaaaaaaaaaaaa\ud800"), "a value that is text alone");
  }

  @Test
  void whatStoresAsSentPasses() {
    assertNull(FreeFormJson.problem(parsed("{\"emoji\":\"\\ud83d\\ude00\",\"\\ud83d\\ude80\":[1,2.5,true,null,{}],"
        + "\"組織\":\"Ünïcødé\"}")));
    assertNull(FreeFormJson.problem(12));
    assertNull(FreeFormJson.problem(null));
  }

  /** Read as infinite, such a number was stored as the text "Infinity". */
  @Test
  void numbersNoDoubleHoldsAreFoundAnywhere() {
    assertEquals(FreeFormJson.NUMBER_RULE, FreeFormJson.problem(parsed("{\"a\":1e400}")));
    assertEquals(FreeFormJson.NUMBER_RULE, FreeFormJson.problem(parsed("{\"a\":{\"b\":[1,-1e400]}}")));
    assertNull(FreeFormJson.problem(parsed("{\"max\":1.7976931348623157e308,\"big\":1" + "0".repeat(400)
        + ",\"tiny\":4.9e-324,\"neg\":-2.5}")));
  }

  @Test
  void nestingIsHeldToTheSameBoundAsBefore() {
    assertNull(FreeFormJson.problem(nested(NestingDepth.MAX)));
    assertEquals(NestingDepth.RULE, FreeFormJson.problem(nested(NestingDepth.MAX + 1)));
    assertEquals(NestingDepth.RULE, FreeFormJson.problem(new JsonArray().add(nested(NestingDepth.MAX))));
  }

  @Test
  void aFreeFormFieldIsRefusedByName() {
    var body = RequestBody.of(parsed("{\"metadata\":{\"a\":\"\\ud800\"},\"details\":{\"b\":\"fine\"}}"),
        Set.of("metadata", "details"));
    assertNull(body.freeFormObject("metadata"));
    assertEquals(new JsonObject().put("b", "fine"), body.freeFormObject("details"));
    var refused = assertThrows(ApiException.class, body::validate);
    assertEquals(List.of(new ApiException.FieldError("metadata", SURROGATE)), refused.errors());
    var check = assertThrows(ApiException.class, () -> FreeFormJson.check("schema", parsed("{\"\\ud800\":{}}")));
    assertEquals(400, check.status());
    assertEquals("validation_failed", check.code());
    assertEquals(List.of(new ApiException.FieldError("schema", SURROGATE)), check.errors());
  }

  private static JsonObject nested(int levels) {
    var json = new JsonObject();
    for (int i = 1; i < levels; i++) {
      json = new JsonObject().put("a", json);
    }
    return json;
  }
}
