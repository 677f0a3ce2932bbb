package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class BearerTokenTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Bearer abc.def.ghi|abc.def.ghi",
      "bearer abc|abc",
      "BEARER abc|abc",
      "'Bearer   abc  '|abc",
      "'Bearer \tabc\t'|abc",
  })
  void theTokenIsFoundInTheHeaderAsTrimmedText(String header, String token) {
    var found = BearerToken.in(header);
    assertEquals(token, found.value());
    assertEquals(token.length(), found.length());
    assertEquals(token.charAt(0), found.charAt(0));
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "Bearer", "Bearer ", "Bearer    ", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearerabc", "Token abc"})
  void noTokenWithoutTheBearerSchemeOrWithNothingAfterIt(String header) {
    assertNull(BearerToken.in(header));
  }
}
