package dev.orgplane.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenGrantsTest {

  private static final String FORM = "application/x-www-form-urlencoded";

  @ParameterizedTest
  @ValueSource(strings = {"grant_type=refresh_token&refresh_token=abc", "client_id=x&grant_type=client_credentials",
      "Grant_Type=refresh_token&refresh_token=abc", "grant_type=refresh_token&refresh_token=a%2Bb%3D"})
  void aRefreshOrAClientCredentialsGrantHashesNoPassword(String body) {
    assertTrue(TokenGrants.hashNoPassword(FORM, Buffer.buffer(body)));
    assertTrue(TokenGrants.hashNoPassword("Application/X-WWW-Form-Urlencoded; charset=UTF-8", Buffer.buffer(body)));
  }

  /**
   * Org-service takes the first {@code grant_type} whatever the case of its name, splits pairs at {@code &} alone,
   * reads no fragment, and trims and folds names: whatever might name a password grant there counts, as does a body
   * not read whole.
   */
  @ParameterizedTest
  @ValueSource(strings = {"grant_type=password&username=a&password=b", "grant_type=refresh_token&GRANT_TYPE=password",
      "GRANT_TYPE=password&grant_type=refresh_token", "grant_type=refresh_token&grant_type=refresh_token",
      "grant_type&grant_type=refresh_token", "x=1;grant_type=refresh_token", "grant_type=refresh_token%zz",
      "grant_type=refresh_token#&grant_type=password", "grant_type=refresh_token+", "refresh_token=abc", "",
      "grant_type=urn:ietf:params:oauth:grant-type:token-exchange",
      // names org-service's decoder trims or folds into a second grant_type, a password one read first there
      "%20grant_type=password&username=v&password=g&grant_type=refresh_token",
      "grant_type%20=password&grant_type=refresh_token", "+grant_type=password&grant_type=refresh_token",
      "grant_type%09=password&grant_type=refresh_token", "grant_%0Atype=password&grant_type=refresh_token",
      "grant%5Ftype=password&grant_type=refresh_token", "grant_type=refresh%5Ftoken",
      "grant_type=refresh_token&x=1\n", "grant_type=refresh_token&&x=1"})
  void anyOtherBodyCounts(String body) {
    assertFalse(TokenGrants.hashNoPassword(FORM, Buffer.buffer(body)), body);
  }

  @Test
  void aBodyThatIsNoFormOrNotReadWholeCounts() {
    var refresh = Buffer.buffer("grant_type=refresh_token&refresh_token=abc");
    assertFalse(TokenGrants.hashNoPassword("application/json", refresh));
    assertFalse(TokenGrants.hashNoPassword("multipart/form-data; boundary=x", refresh));
    assertFalse(TokenGrants.hashNoPassword(null, refresh));
    assertFalse(TokenGrants.hashNoPassword(FORM, null));
  }
}
