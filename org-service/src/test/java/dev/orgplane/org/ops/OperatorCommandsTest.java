package dev.orgplane.org.ops;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.identity.SigningSchedule;
import dev.orgplane.org.user.VerifiedAppointee;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OperatorCommandsTest {

  /** As the platform's defaults make it: a 10 s reload, JWKS kept 60 s, fetched at most every 5 s. */
  private static final SigningSchedule SCHEDULE = new SigningSchedule(3600, 10_000, 75_000);

  /**
   * The new key is published at once, and the old one signs until every verifier has fetched the new one: until
   * session 35 the new key signed at once, and its tokens were refused where the JWKS was kept from before.
   */
  @Test
  void rotationPublishesTheNewKeyAtOnceAndSignsWithTheOldOneUntilItsLeadHasPassed(Vertx vertx)
      throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var user = org.newUser("rotator");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);
    var rotated = ops.rotateSigningKey().await();
    assertTrue(rotated.signsFrom().isAfter(Instant.now().plusSeconds(70)), rotated.signsFrom().toString());
    long deadline = System.currentTimeMillis() + 15_000;
    while (!org.get("/.well-known/jwks.json", null).bodyAsString().contains(rotated.kid())) {
      assertTrue(System.currentTimeMillis() < deadline, "the new key was not published within 15 s");
      Thread.sleep(500);
    }
    assertEquals(2, org.get("/.well-known/jwks.json", null).bodyAsJsonObject().getJsonArray("keys").size());
    assertEquals(200, org.get("/v1/users/me", user.token()).statusCode(), "tokens of the old key stay valid");
    var fresh = org.newUser("after-rotation").token();
    assertEquals(kidOf(user.token()), kidOf(fresh), "the old key signs until the new one's lead has passed");
  }

  private static String kidOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]))).getString("kid");
  }

  @Test
  void groupAdminsAreAppointedByEmail(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var admin = org.platformAdminToken();
    var groupId = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "G")).bodyAsJsonObject()
        .getString("id");
    var user = org.newVerifiedUser("appointee");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);
    ops.grantGroupAdmin(UUID.fromString(groupId), user.email().toUpperCase()).await();
    assertEquals(200, org.get("/v1/organization-groups/" + groupId, user.token()).statusCode());
    var key = org.post("/v1/organization-groups/" + groupId + "/create-key", user.token(), null).bodyAsJsonObject()
        .getString("createKey");
    ops.revokeGroupAdmin(UUID.fromString(groupId), user.email()).await();
    assertEquals(404, org.get("/v1/organization-groups/" + groupId, user.token()).statusCode());
    assertProblem(org.send(HttpMethod.POST, "/v1/organizations", user.token(), new JsonObject().put("name", "keyed")
        .put("title", "Keyed").put("groupId", groupId), MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", key)),
        403, "create_key_invalid");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE actor = 'operator' "
        + "AND action = 'organization_group.create_key_voided' AND target = 'organization_group:" + groupId + "'"),
        "the key the revoked admin rotated is voided");
    assertThrows(IllegalArgumentException.class,
        () -> ops.grantGroupAdmin(UUID.fromString(groupId), "nobody@test.local").await());
    assertThrows(IllegalArgumentException.class, () -> ops.grantGroupAdmin(UUID.randomUUID(), user.email()).await());
    ops.makePlatformAdmin(user.email()).await();
    assertTrue(org.get("/v1/users/me", user.token()).bodyAsJsonObject().getBoolean("platformAdmin"));
  }

  /**
   * What the operator changes is audited as the API audits it, by {@code operator}, of no organization; appointing
   * again changes and records nothing (the command line recorded nothing), and removing someone who is no admin is
   * refused, as the API refuses it.
   */
  @Test
  void theOperatorsChangesAreAuditedOfNoOrganization(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var groupId = org.post("/v1/organization-groups", org.platformAdminToken(), new JsonObject().put("name", "G"))
        .bodyAsJsonObject().getString("id");
    var user = org.newVerifiedUser("audited");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);
    for (int twice = 0; twice < 2; twice++) {
      assertEquals(twice == 0, ops.grantGroupAdmin(UUID.fromString(groupId), user.email()).await(), "changed");
    }
    ops.revokeGroupAdmin(UUID.fromString(groupId), user.email()).await();
    var again = assertThrows(IllegalArgumentException.class,
        () -> ops.revokeGroupAdmin(UUID.fromString(groupId), user.email()).await());
    assertEquals(user.email() + " is not an admin of group " + groupId + "; nothing changed", again.getMessage());
    for (int twice = 0; twice < 2; twice++) {
      assertEquals(twice == 0, ops.makePlatformAdmin(user.email()).await(), "changed");
    }

    var byOperator = "SELECT count(*) FROM org.audit_events WHERE actor = 'operator' AND org_id IS NULL "
        + "AND target = 'user:" + user.id() + "'";
    assertEquals(3, PgFixture.queryLong(db, byOperator));
    for (var action : List.of("organization_group.admin_granted", "organization_group.admin_revoked")) {
      assertEquals(1, PgFixture.queryLong(db, byOperator + " AND action = '" + action + "' AND details->>'groupId' = '"
          + groupId + "'"), action);
    }
    assertEquals(1, PgFixture.queryLong(db, byOperator + " AND action = 'user.platform_admin_granted'"));
  }

  /**
   * A group admin the operator removes loses what they made in the group's organizations beyond what they still hold,
   * as one removed through the API does: the command line left their credentials signing in with the group's rights.
   */
  @Test
  void revokingAGroupAdminRevokesWhatTheyMadeBeyondWhatTheyStillHold(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var group = org.post("/v1/organization-groups", org.platformAdminToken(), new JsonObject().put("name", "G"))
        .bodyAsJsonObject();
    var groupId = UUID.fromString(group.getString("id"));
    var groupAdmin = org.newVerifiedUser("groupadmin");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);
    ops.grantGroupAdmin(groupId, groupAdmin.email()).await();
    var owner = org.newUser("owner");
    var orgId = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject().put("name", "grouped")
            .put("title", "Grouped").put("groupId", groupId.toString()),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")))
        .bodyAsJsonObject().getString("id");
    var serviceUsers = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(serviceUsers, groupAdmin.token(), new JsonObject().put("name", "bot")
        .put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    var credential = org.post(serviceUsers + "/" + sid + "/credentials", groupAdmin.token(), null).bodyAsJsonObject();
    var owners = org.post(serviceUsers + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    assertEquals(200, org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .statusCode());

    ops.revokeGroupAdmin(groupId, groupAdmin.email()).await();

    assertProblem(org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret")), 401,
        "invalid_client");
    assertEquals(200, org.clientCredentials(owners.getString("clientId"), owners.getString("clientSecret"))
        .statusCode(), "the owner still holds what the service user holds");
    var revoked = org.audited(owner.token(), orgId, "service_user.credential_revoked");
    assertEquals(1, revoked.size(), revoked.encode());
    assertEquals(AuditLog.OPERATOR, revoked.getJsonObject(0).getString("actor"));
    assertEquals(new JsonObject().put("clientId", credential.getString("clientId")).put("reason", "maker_outranked"),
        revoked.getJsonObject(0).getJsonObject("details"));
  }

  /**
   * Anyone can register any address: an account whose address nobody confirmed may be a stranger's, under the
   * address of the person the operator means, so it is refused, and made an admin once its owner has confirmed it.
   */
  @Test
  void anAccountWhoseAddressIsNotVerifiedIsNotMadeAPlatformAdmin(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var registered = org.newUser("unverified");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);

    var refused = assertThrows(ApiException.class, () -> ops.makePlatformAdmin(registered.email()).await());

    assertEquals(VerifiedAppointee.NOT_VERIFIED, refused.code());
    assertTrue(refused.getMessage().startsWith(registered.email() + "'s address is not verified"),
        refused.getMessage());
    assertFalse(org.get("/v1/users/me", registered.token()).bodyAsJsonObject().getBoolean("platformAdmin"));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE target = 'user:"
        + registered.id() + "' AND action = 'user.platform_admin_granted'"), "nothing recorded");

    PgFixture.execute(db, "UPDATE org.users SET email_verified_at = now() WHERE id = '" + registered.id() + "'");
    ops.makePlatformAdmin(registered.email()).await();
    assertTrue(org.get("/v1/users/me", registered.token()).bodyAsJsonObject().getBoolean("platformAdmin"));
  }

  /**
   * A group admin holds every organization of the group: an account whose address nobody confirmed, maybe a
   * stranger's under the address the operator means, is refused as the API refuses it, and appointed once confirmed.
   */
  @Test
  void anAccountWhoseAddressIsNotVerifiedIsNotMadeAGroupAdmin(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db);
    var groupId = UUID.fromString(org.post("/v1/organization-groups", org.platformAdminToken(),
        new JsonObject().put("name", "G")).bodyAsJsonObject().getString("id"));
    var registered = org.newUser("unverified");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);

    var refused = assertThrows(ApiException.class, () -> ops.grantGroupAdmin(groupId, registered.email()).await());

    assertEquals(VerifiedAppointee.NOT_VERIFIED, refused.code());
    assertTrue(refused.getMessage().startsWith(registered.email() + "'s address is not verified: "),
        refused.getMessage());
    assertEquals(404, org.get("/v1/organization-groups/" + groupId, registered.token()).statusCode(), "no admin");
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE target = 'user:"
        + registered.id() + "' AND action = 'organization_group.admin_granted'"), "nothing recorded");

    PgFixture.execute(db, "UPDATE org.users SET email_verified_at = now() WHERE id = '" + registered.id() + "'");
    ops.grantGroupAdmin(groupId, registered.email()).await();
    assertEquals(200, org.get("/v1/organization-groups/" + groupId, registered.token()).statusCode());
  }

  @Test
  void anOperatorEndsAUsersSessionsEverywhere(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var user = org.newUser("compromised");
    var bystander = org.newUser("bystander");
    var refresh = org.requestToken(user.email(), "password-compromised-123").bodyAsJsonObject().getString("refresh_token");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);
    Thread.sleep(1_100); // tokens count whole seconds: the one in hand must be a second older than the end

    ops.endSessions(user.email().toUpperCase()).await();

    Eventually.holds(() -> org.get("/v1/users/me", user.token()).statusCode() == 401,
        "the token still works 10 s after its sessions ended");
    assertEquals(400, org.refresh(refresh).statusCode(), "refresh tokens are withdrawn");
    assertEquals(200, org.get("/v1/users/me", bystander.token()).statusCode());
    assertEquals(200, org.requestToken(user.email(), "password-compromised-123").statusCode(), "the password stays");
    assertThrows(IllegalArgumentException.class, () -> ops.endSessions("nobody@test.local").await());
  }

  /** The provisioning engine's identity has no address: a token of its leaked secret is ended by its id. */
  @Test
  void anOperatorEndsTheEnginesSessionsByItsId(Vertx vertx) throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var leaked = org.engineToken();
    var bystander = org.newUser("bystander");
    var ops = new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(), SCHEDULE);

    ops.endSessionsOf(UUID.fromString(OrgServiceHarness.ENGINE_CLIENT_ID)).await();

    Eventually.holds(() -> org.get("/v1/organizations", leaked).statusCode() == 401,
        "the engine's token still works 10 s after its sessions ended");
    assertEquals(200, org.get("/v1/organizations", org.engineToken()).statusCode(), "the engine signs in again");
    assertEquals(200, org.get("/v1/users/me", bystander.token()).statusCode());
    assertThrows(IllegalArgumentException.class, () -> ops.endSessionsOf(UUID.randomUUID()).await());
  }
}
