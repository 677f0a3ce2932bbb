package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientSecretBasicTest {

  /** RFC 6749 2.3.1: each half form-encoded, then the pair base64-encoded. */
  @ParameterizedTest
  @ValueSource(strings = {"a+b/c%d=", "with space", "colon:inside", "é€😀", "plain-Secret_0.9~*"})
  void whatIsSentIsReadBackAsItWas(String secret) {
    var sent = new ClientSecretBasic("client:1", secret);
    assertEquals(sent, ClientSecretBasic.in(sent.header()));
  }

  @Test
  void reservedCharactersAreFormEncodedBeforeBase64() {
    assertEquals(basic("id%2B1:a%2Bb%2Fc%25d%3D+e"), new ClientSecretBasic("id+1", "a+b/c%d= e").header());
  }

  /** What a plain HTTP Basic client sends: read as the RFC says, its {@code +} is a space. */
  @Test
  void anUnencodedPlusIsASpace() {
    assertEquals(new ClientSecretBasic("id", "a b"), ClientSecretBasic.in(basic("id:a+b")));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "Bearer abc", "Basic", "Basic !!!", "Basic aWQ="})
  void noCredentialsWithoutTheBasicSchemeOrAPair(String header) {
    assertNull(ClientSecretBasic.in(header));
  }

  @Test
  void aPercentWithoutTwoHexDigitsIsNoCredentials() {
    assertNull(ClientSecretBasic.in(basic("id:a%d=")));
  }

  private static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
