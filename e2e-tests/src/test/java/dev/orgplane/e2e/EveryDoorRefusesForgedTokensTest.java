package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.ForgedTokens;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Forged tokens at every door: the gateway, and each service's own port reached directly (as an
 * attacker inside the network would), all answer 401 problem+json, while the real token works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
class EveryDoorRefusesForgedTokensTest {

  private Platform platform;
  private String validToken;

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platforms.defaults();
    validToken = new Gateway(platform.baseUrl()).token(platform.adminEmail(), platform.adminPassword());
  }

  private record Door(String name, Gateway client, String path) {
  }

  private List<Door> doors() {
    return List.of(
        new Door("gateway", new Gateway(platform.baseUrl()), "/v1/users/me"),
        new Door("org-service direct", new Gateway("http://127.0.0.1:" + platform.orgServicePort), "/v1/users/me"),
        new Door("engine direct", new Gateway("http://127.0.0.1:" + platform.enginePort), "/v1/provisioning/plugins"),
        new Door("engine via gateway", new Gateway(platform.baseUrl()), "/v1/provisioning/plugins"));
  }

  @Test
  void realTokenOpensEveryDoor() {
    for (var door : doors()) {
      assertEquals(200, door.client().get(door.path(), validToken).status(), door.name());
    }
  }

  /** Refused for what each forged, as the detail says: a forgery refused on another ground proves nothing of its check. */
  @Test
  void everyForgeryIsRefusedAtEveryDoor() {
    var failures = new ArrayList<String>();
    var publishedKeys = new Gateway(platform.baseUrl()).get("/.well-known/jwks.json", null).json().getJsonArray("keys")
        .stream().map(JsonObject.class::cast).toList();
    for (var forgery : ForgedTokens.all(platform.baseUrl(), "orgplane", publishedKeys)) {
      var forged = forgery.forge().apply(validToken);
      for (var door : doors()) {
        var reply = door.client().get(door.path(), forged);
        var refused = reply.status() == 401 && reply.contentType().equals("application/problem+json")
            && reply.json().getString("code").equals("invalid_token")
            && reply.json().getString("detail").equals(forgery.refusal());
        if (!refused) {
          failures.add(forgery + " at " + door.name() + ": " + reply.status() + " " + reply.body());
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  /**
   * A wrong method on a path open to anyone is 405 at every door, with a token or without: these paths' routes come
   * before routes of every method (the token check, the body handler, the gateway's proxy), which made vertx-web forget
   * the method it refused (404, or 401 without a token).
   */
  @Test
  void aWrongMethodOnAnOpenPathIs405AtEveryDoor() {
    var gateway = new Door("gateway", new Gateway(platform.baseUrl()), null);
    var orgService = new Door("org-service direct", new Gateway("http://127.0.0.1:" + platform.orgServicePort), null);
    var engine = new Door("engine direct", new Gateway("http://127.0.0.1:" + platform.enginePort), null);
    var failures = new ArrayList<String>();
    for (var token : java.util.Arrays.asList(validToken, null)) {
      for (var door : List.of(gateway, orgService)) {
        for (var sent : List.of("GET /v1/auth/token", "GET /v1/auth/register", "GET /v1/auth/revoke",
            "PUT /v1/auth/password-resets", "GET /v1/auth/password-resets/confirm",
            "GET /v1/auth/email-verifications/confirm", "GET /v1/auth/email-changes/confirm", "POST /health/ready",
            "PUT /health/live", "POST /metrics")) {
          expect405(door, sent, token, failures);
        }
      }
      for (var sent : List.of("POST /openapi.json", "DELETE /openapi.json")) {
        expect405(gateway, sent, token, failures);
      }
      expect405(engine, "PUT /health/ready", token, failures);
    }
    assertEquals(List.of(), failures);
  }

  private static void expect405(Door door, String sent, String token, List<String> failures) {
    var space = sent.indexOf(' ');
    var reply = door.client().sendWithoutBody(sent.substring(0, space), sent.substring(space + 1), token, java.util.Map.of());
    if (reply.status() != 405 || !"method_not_allowed".equals(reply.json().getString("code"))) {
      failures.add(sent + (token == null ? " without a token" : "") + " at " + door.name() + ": " + reply.status() + " "
          + reply.body());
    }
  }

  /** Dot-segments open no door: the gateway refuses them, and so does a service reached past it, before routing. */
  @Test
  void dotSegmentsOpenNoDoor() {
    var atTheGateway = new Gateway(platform.baseUrl()).get("/v1/auth/../users/me", null);
    assertEquals(400, atTheGateway.status(), atTheGateway.body());
    assertEquals("unresolved_path", atTheGateway.json().getString("code"));
    var atTheService = new Gateway("http://127.0.0.1:" + platform.orgServicePort).get("/v1/auth/../users/me", null);
    assertEquals(400, atTheService.status(), atTheService.body());
    assertEquals("unresolved_path", atTheService.json().getString("code"));
  }
}
