package dev.orgplane.kit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(VertxExtension.class)
class TrustedIssuerTest {

  private static final String GOOD = "{\"issuer\":\"https://idp.test\",\"jwksUrl\":\"https://idp.test/jwks\","
      + "\"audience\":\"orgplane\"}";
  private static final String OWN = "https://orgplane.test";

  @Test
  void wellFormedEntriesAreTrusted(Vertx vertx) {
    var issuers = TrustedIssuer.external(vertx, "[" + GOOD + "]", OWN);
    assertEquals(1, issuers.size());
    assertEquals("orgplane", issuers.get(0).audience());
    assertEquals(List.of("orgplane"), issuers.get(0).audiences(), "people's tokens alone");
    assertEquals(0, TrustedIssuer.external(vertx, " ", OWN).size());
    var withMachines = TrustedIssuer.external(vertx, "[" + GOOD.replace("}", ",\"workloadAudience\":\"robots\"}")
        + "]", OWN).get(0);
    assertEquals(List.of("orgplane", "robots"), withMachines.audiences());
  }

  /**
   * Each used to start: a missing audience or JWKS URL failed every token of the issuer with a 500; the platform's
   * own issuer stopped the gateway's start on a bare "Duplicate key".
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"https://a.test/jwks\"}|ORGPLANE_TRUSTED_ISSUERS[1].audience is missing",
      "{\"issuer\":\"https://a.test\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is missing",
      "{\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].issuer is missing",
      "{\"issuer\":\"\",\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].issuer is missing",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is not",
      "{\"issuer\":\"https://idp.test\",\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].issuer names",
      "{\"issuer\":\"https://orgplane.test\",\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].issuer is ORGPLANE_PUBLIC_URL (https://orgplane.test), the platform's own issuer",
      "\"https://a.test\"|ORGPLANE_TRUSTED_ISSUERS[1] is not an object",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\",\"workloadAudience\":\" \"}|ORGPLANE_TRUSTED_ISSUERS[1].workloadAudience is missing",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"https://a.test/jwks\",\"audience\":\"x\",\"workloadAudience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].workloadAudience is the audience",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"http://a.test/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is plain http to a host other than loopback: http://a.test/jwks",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"http://10.0.0.5:8080/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is plain http",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"http://127.0.0.1.nip.io/jwks\",\"audience\":\"x\"}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is plain http",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"http://a.test/jwks\",\"audience\":\"x\",\"insecureJwks\":false}|ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is plain http",
      "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"http://a.test/jwks\",\"audience\":\"x\",\"insecureJwks\":\"true\"}|ORGPLANE_TRUSTED_ISSUERS[1].insecureJwks is not true or false",
  })
  void aMalformedEntryStopsTheStartNamingItsField(String second, String message, Vertx vertx) {
    var refused = assertThrows(ConfigException.class, () -> TrustedIssuer.external(vertx, "[" + GOOD + "," + second + "]",
        OWN));
    assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
  }

  /**
   * A provider's keys decide whose accounts its tokens sign in to: fetched in clear over a network, whoever could
   * change them on the way could. Over loopback (a test's provider, a sidecar) nothing is on the way.
   */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"http://127.0.0.1:8080/jwks", "http://127.3.2.1/jwks",
      "http://[::1]:8080/jwks", "http://localhost:8080/jwks", "https://a.test/jwks"})
  void aJwksUrlInClearIsTakenOnlyOverLoopback(String jwksUrl, Vertx vertx) {
    var issuers = TrustedIssuer.external(vertx, "[{\"issuer\":\"https://a.test\",\"jwksUrl\":\"" + jwksUrl
        + "\",\"audience\":\"x\"}]", OWN);
    assertEquals(1, issuers.size());
  }

  /**
   * A provider reached inside a cluster over plain http stopped the start with no way out: an entry may now take it,
   * saying so itself.
   */
  @Test
  void aJwksUrlInClearToAnotherHostIsTakenWhenItsEntryAllowsIt(Vertx vertx) {
    var issuers = TrustedIssuer.external(vertx, "[{\"issuer\":\"https://keycloak.test/realms/a\",\"jwksUrl\":"
        + "\"http://keycloak.auth.svc:8080/realms/a/certs\",\"audience\":\"x\",\"insecureJwks\":true}]", OWN);
    assertEquals(1, issuers.size());
  }

  /** The refusal may end up in any log: a password in the JWKS URL's user info is masked. */
  @Test
  void aJwksUrlRefusedIsShownWithoutItsPassword(Vertx vertx) {
    var refused = assertThrows(ConfigException.class, () -> TrustedIssuer.external(vertx, "[" + GOOD + ","
        + "{\"issuer\":\"https://a.test\",\"jwksUrl\":\"ftp://idp:s3cret@a.test/jwks\",\"audience\":\"x\"}]", OWN));
    assertEquals("ORGPLANE_TRUSTED_ISSUERS[1].jwksUrl is not an http(s) URL: ftp://idp:***@a.test/jwks",
        refused.getMessage());
  }

  @Test
  void aSettingThatIsNoJsonArrayStopsTheStart(Vertx vertx) {
    var refused = assertThrows(ConfigException.class, () -> TrustedIssuer.external(vertx, "{\"issuer\":1}", OWN));
    assertTrue(refused.getMessage().startsWith("ORGPLANE_TRUSTED_ISSUERS must be a JSON array"),
        refused.getMessage());
  }

  /** The platform's own tokens live as ORGPLANE_TOKEN_TTL_SECONDS says, an external issuer's as it says. */
  @Test
  void thePlatformsTokensLiveAtMostTheirSetLifetime(Vertx vertx) {
    var settings = new Settings(new JsonObject().put("ORGPLANE_PUBLIC_URL", OWN)
        .put("ORGPLANE_TOKEN_AUDIENCE", "orgplane").put("ORGPLANE_TOKEN_TTL_SECONDS", "600"));
    KeySource keys = () -> Future.succeededFuture(List.of());

    var platform = TrustedIssuer.platform(settings, keys);

    assertEquals(OWN, platform.issuer());
    assertEquals(600, platform.longestLifetimeSeconds());
    assertEquals(TrustedIssuer.ANY_LIFETIME, TrustedIssuer.external(vertx, "[" + GOOD + "]", OWN).get(0)
        .longestLifetimeSeconds());
  }
}
