package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The platform as three processes, driven only through the gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
class NewcomerJourneyTest {

  private Platform platform;
  private Gateway gateway;

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platforms.defaults();
    gateway = new Gateway(platform.baseUrl());
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
  void aPersonFromTheCompanysIdentityProviderSignsInThroughTheGateway() {
    var providerToken = platform.identityProvider.token("employee-42", "employee42@e2e.test");
    // the gateway exchanges the provider's token at its door: the services behind it take only the platform's
    var direct = gateway.get("/v1/users/me", providerToken);
    assertEquals(200, direct.status(), direct.body());
    assertEquals("employee42@e2e.test", direct.json().getString("email"));
    var jobsDirect = gateway.get("/v1/provisioning/jobs", providerToken);
    assertEquals(200, jobsDirect.status(), "the engine too: " + jobsDirect.body());
    var noAddress = gateway.get("/v1/users/me", platform.identityProvider.token("robot-7", null));
    assertEquals(401, noAddress.status(), noAddress.body());
    assertEquals("invalid_token", noAddress.json().getString("code"));

    var exchanged = gateway.postForm("/v1/auth/token", Map.of(
        "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", providerToken,
        "subject_token_type", "urn:ietf:params:oauth:token-type:jwt"));
    assertEquals(200, exchanged.status(), exchanged.body());
    var token = exchanged.json().getString("access_token");
    var me = gateway.get("/v1/users/me", token).json();
    assertEquals("employee42@e2e.test", me.getString("email"));
    assertEquals(true, me.getBoolean("emailVerified"));
    var created = gateway.postJson("/v1/organizations", token,
        new JsonObject().put("name", "employee-org").put("title", "Employee Org"));
    assertEquals(201, created.status(), created.body());
    var jobs = gateway.get("/v1/provisioning/jobs", token);
    assertEquals(200, jobs.status(), "the engine takes the exchanged token too: " + jobs.body());
  }

  /** Workload identity federation: a CI job's machine token (no address) is a service user's, through the gateway. */
  @Test
  void aCiJobCallsTheApiWithItsProvidersMachineToken() {
    var register = gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "ci-owner@e2e.test")
        .put("password", "a-long-enough-password").put("name", "CI Owner"));
    assertEquals(201, register.status(), register.body());
    var owner = gateway.token("ci-owner@e2e.test", "a-long-enough-password");
    var org = gateway.postJson("/v1/organizations", owner, new JsonObject().put("name", "ci-org").put("title", "CI"))
        .json().getString("id");
    var bot = "/v1/organizations/" + org + "/service-users/" + gateway.postJson("/v1/organizations/" + org
        + "/service-users", owner, new JsonObject().put("name", "deployer").put("roles", new JsonArray().add("viewer")))
        .json().getString("id");
    var added = gateway.postJson(bot + "/federated-credentials", owner,
        new JsonObject().put("issuer", TestIdentityProvider.ISSUER).put("subject", "ci-runner-9"));
    assertEquals(201, added.status(), added.body());

    var machineToken = platform.identityProvider.machineToken("ci-runner-9");
    var read = gateway.get("/v1/organizations/" + org, machineToken);
    assertEquals(200, read.status(), read.body());
    assertEquals("ci-org", read.json().getString("name"));

    assertEquals(204, gateway.send("DELETE", bot + "/federated-credentials/" + added.json().getString("id"), owner,
        null).status());
    assertEquals(401, gateway.get("/v1/organizations/" + org, machineToken).status(), "its exchanged token is revoked");
    assertEquals(401, gateway.get("/v1/organizations/" + org, platform.identityProvider.machineToken("ci-runner-9"))
        .status(), "and a new token of the subject is exchanged for nothing");
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
    var unchanged = gateway.getIfChanged("/v1/organizations/" + id, token, read.etag());
    assertEquals(304, unchanged.status(), "through the gateway too: " + unchanged);
    assertEquals("", unchanged.body());

    var byName = gateway.get("/v1/organizations/newcomer-org", token);
    assertEquals(id, byName.json().getString("id"));

    var taken = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "newcomer-org").put("title", "x"));
    assertEquals(409, taken.status());
    assertEquals("organization_name_taken", taken.json().getString("code"));
  }

  /**
   * A new password and a sign-out everywhere end the tokens issued before them at every door: org-service at
   * once, the engine (which serves a requester's own jobs without asking org-service) within its reload.
   */
  @Test
  void aNewPasswordAndASignOutEverywhereEndOldTokensAtEveryService() throws Exception {
    gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "careful@e2e.test")
        .put("password", "careful-password-1"));
    var laptop = gateway.token("careful@e2e.test", "careful-password-1");
    assertEquals(200, gateway.get("/v1/provisioning/jobs", laptop).status());
    Thread.sleep(1_100); // tokens count whole seconds: the one in hand must be a second older than the change

    var changed = gateway.send("PUT", "/v1/users/me/password", laptop, new JsonObject()
        .put("currentPassword", "careful-password-1").put("password", "careful-password-2"));
    assertEquals(200, changed.status(), changed.body());
    var phone = changed.json().getString("access_token");
    assertEquals(401, gateway.get("/v1/users/me", laptop).status());
    awaitRefusedByTheEngine(laptop);
    assertEquals(200, gateway.get("/v1/provisioning/jobs", phone).status(), "the fresh token works everywhere");
    Thread.sleep(1_100);

    assertEquals(204, gateway.send("DELETE", "/v1/users/me/sessions", phone, null).status());
    assertEquals(401, gateway.get("/v1/users/me", phone).status());
    awaitRefusedByTheEngine(phone);
    assertEquals(200, gateway.get("/v1/users/me", gateway.token("careful@e2e.test", "careful-password-2")).status());
  }

  /** A deleted account's tokens end at the engine too, which never looks the user up for its own jobs. */
  @Test
  void aDeletedAccountsTokensEndEverywhereAndItsAddressIsFreeAgain() throws Exception {
    gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "leaving@e2e.test")
        .put("password", "leaving-password-1"));
    var token = gateway.token("leaving@e2e.test", "leaving-password-1");
    assertEquals(200, gateway.get("/v1/provisioning/jobs", token).status());

    var refused = gateway.send("DELETE", "/v1/users/me", token, new JsonObject().put("password", "not-the-password"));
    assertEquals(403, refused.status(), refused.body());
    assertEquals(204, gateway.send("DELETE", "/v1/users/me", token, new JsonObject()
        .put("password", "leaving-password-1")).status());

    assertEquals(401, gateway.get("/v1/users/me", token).status());
    awaitRefusedByTheEngine(token);
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "leaving@e2e.test")
        .put("password", "returning-password-1")).status());
  }

  /**
   * Waits for the engine to refuse {@code token}, ended just before, as it must by its next reload of the revocations:
   * the slack is for the reload's own request to org-service and this one's, on a busy machine running three services.
   */
  private void awaitRefusedByTheEngine(String token) throws InterruptedException {
    var deadline = System.currentTimeMillis() + platform.revocationReloadMillis() + 10_000;
    Gateway.Reply reply;
    while ((reply = gateway.get("/v1/provisioning/jobs", token)).status() != 401) {
      assertTrue(System.currentTimeMillis() < deadline, "the engine still takes an ended token: " + reply.body());
      Thread.sleep(100);
    }
    assertEquals("invalid_token", reply.json().getString("code"));
  }

  /**
   * A session through the gateway: a refresh answers the next tokens, a revoked refresh token is refused, and a sign-out
   * everywhere ends every family and the access token in hand, at org-service at once and at the engine within a
   * reload, though the gateway has verified that token before and remembers it (its door reads no revocations).
   */
  @Test
  void aRefreshedSessionEndsAtEveryServiceWhenItsPersonSignsOutEverywhere() throws Exception {
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "sessions@e2e.test")
        .put("password", "sessions-password-1")).status());
    var laptop = signIn("sessions@e2e.test", "sessions-password-1");
    var refreshed = refresh(laptop.getString("refresh_token"));
    assertEquals(200, refreshed.status(), refreshed.body());
    var access = refreshed.json().getString("access_token");
    var refreshToken = refreshed.json().getString("refresh_token");
    assertNotEquals(laptop.getString("refresh_token"), refreshToken, "each refresh answers the next refresh token");
    assertEquals(200, gateway.get("/v1/users/me", access).status());
    assertEquals(200, gateway.get("/v1/provisioning/jobs", access).status());
    var phone = signIn("sessions@e2e.test", "sessions-password-1");

    assertEquals(200, gateway.postForm("/v1/auth/revoke", Map.of("token", refreshToken)).status());
    assertRefusedGrant(refresh(refreshToken));
    assertEquals(200, gateway.get("/v1/users/me", access).status(), "an access token runs out by itself");

    assertEquals(204, gateway.send("DELETE", "/v1/users/me/sessions", access, null).status());
    for (var path : List.of("/v1/users/me", "/v1/organizations")) {
      var refused = gateway.get(path, access);
      assertEquals(401, refused.status(), path + ": " + refused.body());
      assertEquals("invalid_token", refused.json().getString("code"));
    }
    awaitRefusedByTheEngine(access);
    assertRefusedGrant(refresh(phone.getString("refresh_token")));
  }

  /** A password sign-in's answer: an access token and a refresh token. */
  private JsonObject signIn(String email, String password) {
    var reply = gateway.postForm("/v1/auth/token", Map.of("grant_type", "password", "username", email,
        "password", password));
    assertEquals(200, reply.status(), reply.body());
    assertTrue(reply.json().getString("refresh_token").startsWith("ort_"), reply.body());
    return reply.json();
  }

  private Gateway.Reply refresh(String refreshToken) {
    return gateway.postForm("/v1/auth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  private static void assertRefusedGrant(Gateway.Reply reply) {
    assertEquals(400, reply.status(), reply.body());
    assertEquals("invalid_grant", reply.json().getString("code"));
    assertEquals("invalid_grant", reply.json().getString("error"), "as OAuth clients read it");
  }

  /**
   * Conditional requests through the gateway, on both of its paths (with a body, and without one as curl sends reads
   * and deletes): a write naming a tag that is no longer current is refused and changes nothing, and a read naming
   * the current one, in the weak form a compressing proxy passes on, answers 304 without the object.
   */
  @Test
  void aWriteNamingAStaleTagChangesNothingAndAReadNamingTheCurrentOneIsNotSentAgain() {
    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "conditional@e2e.test")
        .put("password", "conditional-password")).status());
    var token = gateway.token("conditional@e2e.test", "conditional-password");
    var base = "/v1/organizations/" + gateway.postJson("/v1/organizations", token, new JsonObject()
        .put("name", "conditional-org").put("title", "First")).json().getString("id");
    var read = gateway.get(base, token).etag();
    var patched = gateway.send("PATCH", base, token, new JsonObject().put("title", "Second"), Map.of("If-Match", read));
    assertEquals(200, patched.status(), patched.body());
    assertNotEquals(read, patched.etag());
    assertPreconditionFailed(gateway.send("PATCH", base, token, new JsonObject().put("title", "Third"),
        Map.of("If-Match", read)));
    // If-Match compares strongly: the weak form of the current tag is no match
    assertPreconditionFailed(gateway.send("PATCH", base, token, new JsonObject().put("title", "Third"),
        Map.of("If-Match", "W/" + patched.etag())));
    assertEquals("Second", gateway.get(base, token).json().getString("title"));
    for (var unchanged : List.of(gateway.getIfChanged(base, token, "W/" + patched.etag()),
        gateway.sendWithoutBody("GET", base, token, Map.of("If-None-Match", "W/" + patched.etag())))) {
      assertEquals(304, unchanged.status(), unchanged.toString());
      assertEquals("", unchanged.body());
    }

    var workspace = base + "/workspaces/" + gateway.postJson(base + "/workspaces", token,
        new JsonObject().put("name", "before")).json().getString("id");
    var before = gateway.get(workspace, token).etag();
    var renamed = gateway.send("PATCH", workspace, token, new JsonObject().put("name", "after"),
        Map.of("If-Match", before));
    assertEquals(200, renamed.status(), renamed.body());
    assertPreconditionFailed(gateway.sendWithoutBody("DELETE", workspace, token, Map.of("If-Match", before)));
    assertEquals(200, gateway.get(workspace, token).status(), "the workspace is still there");
    var deleted = gateway.sendWithoutBody("DELETE", workspace, token, Map.of("If-Match", renamed.etag()));
    assertEquals(204, deleted.status(), deleted.toString());
    assertEquals(404, gateway.get(workspace, token).status());
  }

  private static void assertPreconditionFailed(Gateway.Reply reply) {
    assertEquals(412, reply.status(), reply.toString());
    assertEquals("application/problem+json", reply.contentType());
    assertEquals("precondition_failed", reply.json().getString("code"));
  }

  @Test
  void platformAdminFromConfigurationCanSignIn() {
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var me = gateway.get("/v1/users/me", token);
    assertEquals(200, me.status(), me.body());
    assertTrue(me.json().getString("email").equalsIgnoreCase(platform.adminEmail()));
  }

  @Test
  void newcomerInvitesAColleagueWhoRegistersLaterAcceptsAndGetsACustomRole() {
    gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "founder@e2e.test")
        .put("password", "founder-password-1"));
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken("founder@e2e.test", "opv_"))).status(), "a person invites once verified");
    var founder = gateway.token("founder@e2e.test", "founder-password-1");
    var org = gateway.postJson("/v1/organizations", founder, new JsonObject().put("name", "journey").put("title", "J"))
        .json().getString("id");
    var base = "/v1/organizations/" + org;
    var invitation = gateway.postJson(base + "/invitations", founder, new JsonObject().put("email", "Colleague@e2e.test"));
    assertEquals(201, invitation.status(), invitation.body());

    assertEquals(201, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", "colleague@e2e.test")
        .put("password", "colleague-password-1")).status());
    var colleague = gateway.token("colleague@e2e.test", "colleague-password-1");
    assertEquals(403, gateway.get("/v1/users/me/invitations", colleague).status(), "not before the address is verified");
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken("colleague@e2e.test", "opv_"))).status());
    var mine = gateway.get("/v1/users/me/invitations", colleague).json().getJsonArray("items");
    assertEquals(1, mine.size());
    var accepted = gateway.postJson("/v1/invitations/" + mine.getJsonObject(0).getString("id") + "/accept", colleague,
        new JsonObject());
    assertEquals(200, accepted.status(), accepted.body());

    var role = gateway.postJson(base + "/roles", founder, new JsonObject().put("name", "editor")
        .put("permissions", new io.vertx.core.json.JsonArray().add("app_organization_get").add("app_organization_update")));
    assertEquals(201, role.status(), role.body());
    var me = gateway.get("/v1/users/me", colleague).json().getString("id");
    assertEquals(200, gateway.send("PUT", base + "/users/" + me + "/roles", founder, new JsonObject()
        .put("roles", new io.vertx.core.json.JsonArray().add("editor"))).status());
    assertEquals(200, gateway.send("PATCH", base, colleague, new JsonObject().put("title", "Edited by colleague")).status());

    assertEquals(200, gateway.postJson(base + "/disable", founder, new JsonObject()).status());
    var blocked = gateway.send("PATCH", base, colleague, new JsonObject().put("title", "x"));
    assertEquals(403, blocked.status());
    assertEquals("organization_disabled", blocked.json().getString("code"));
    assertEquals(200, gateway.postJson(base + "/enable", founder, new JsonObject()).status());
    assertEquals(204, gateway.send("DELETE", base, founder, null).status());
    assertEquals(404, gateway.get(base, colleague).status());
  }

  @Test
  void serviceUserSignsInWithClientCredentialsThroughTheGateway() {
    var owner = gateway.token(platform.adminEmail(), platform.adminPassword());
    var org = gateway.postJson("/v1/organizations", owner, new JsonObject().put("name", "robots").put("title", "R"))
        .json().getString("id");
    var bot = gateway.postJson("/v1/organizations/" + org + "/service-users", owner, new JsonObject().put("name", "bot")
        .put("roles", new io.vertx.core.json.JsonArray().add("viewer"))).json().getString("id");
    var credential = gateway.postJson("/v1/organizations/" + org + "/service-users/" + bot + "/credentials", owner,
        new JsonObject()).json();
    var token = gateway.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
    assertEquals(200, gateway.get("/v1/organizations/" + org, token).status());
    assertEquals(403, gateway.send("PATCH", "/v1/organizations/" + org, token, new JsonObject().put("title", "x")).status());
  }
}
