package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The platform as three processes, driven only through the gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NewcomerJourneyTest {

  private Platform platform;
  private Gateway gateway;

  @BeforeAll
  void startPlatform() {
    platform = Platform.start();
    gateway = new Gateway(platform.baseUrl());
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void gatewayIsReadyAndRefusesAnonymousCalls() {
    assertEquals(200, gateway.get("/health/ready", null).status());
    var anonymous = gateway.get("/v1/organizations", null);
    assertEquals(401, anonymous.status());
    assertEquals("application/problem+json", anonymous.contentType());
    assertEquals("invalid_token", anonymous.json().getString("code"));
  }

  @Test
  void newcomerRegistersCreatesAndReadsAnOrganization() {
    var register = gateway.postJson("/v1/auth/register", null,
        new JsonObject().put("email", "newcomer@e2e.test").put("password", "a-long-enough-password").put("name", "Newcomer"));
    assertEquals(201, register.status(), register.body());
    var token = gateway.token("newcomer@e2e.test", "a-long-enough-password");

    var created = gateway.postJson("/v1/organizations", token,
        new JsonObject().put("name", "newcomer-org").put("title", "Newcomer Org"));
    assertEquals(201, created.status(), created.body());
    var id = created.json().getString("id");

    var read = gateway.get("/v1/organizations/" + id, token);
    assertEquals(200, read.status(), read.body());
    assertEquals("newcomer-org", read.json().getString("name"));

    var byName = gateway.get("/v1/organizations/newcomer-org", token);
    assertEquals(id, byName.json().getString("id"));

    var taken = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "newcomer-org").put("title", "x"));
    assertEquals(409, taken.status());
    assertEquals("organization_name_taken", taken.json().getString("code"));
  }

  @Test
  void platformAdminFromConfigurationCanSignIn() {
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var me = gateway.get("/v1/users/me", token);
    assertEquals(200, me.status(), me.body());
    assertTrue(me.json().getString("email").equalsIgnoreCase(platform.adminEmail()));
  }
}
