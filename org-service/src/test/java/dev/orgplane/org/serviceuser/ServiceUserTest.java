package dev.orgplane.org.serviceuser;

import static dev.orgplane.org.OrgServiceHarness.ONE_LINE;
import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServiceUserTest extends OrgServiceTest {

  @Test
  void serviceUserGetsATokenValidInItsOrganizationWithItsRolesOnly() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var other = org.createOrg(owner.token(), "svc-other-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var created = org.post(base, owner.token(), new JsonObject().put("name", "ci-bot").put("roles", new JsonArray().add("viewer")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var sid = created.bodyAsJsonObject().getString("id");
    var credential = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();

    var token = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
    assertEquals(200, token.statusCode(), token.bodyAsString());
    var bot = token.bodyAsJsonObject().getString("access_token");
    assertEquals(200, org.get("/v1/organizations/" + orgId, bot).statusCode());
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, bot, new JsonObject().put("title", "x")),
        403, "forbidden");
    assertProblem(org.get("/v1/organizations/" + other, bot), 404, "organization_not_found");
    assertProblem(org.post("/v1/organizations", bot, new JsonObject().put("name", "bot-" + UUID.randomUUID()
        .toString().substring(0, 8)).put("title", "Owned by a bot")), 403, "scoped_token");
    var humans = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, humans.size(), "service users are not listed among the people");

    assertProblem(org.clientCredentials(credential.getString("clientId"), "wrong"), 401, "invalid_client");
    assertEquals(204, org.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + credential.getString("clientId"),
        owner.token(), null).statusCode());
    assertProblem(org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret")), 401,
        "invalid_client");

    assertProblem(org.get("/v1/organizations/" + orgId, bot), 401, "invalid_token");

    var second = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var secondToken = org.clientCredentials(second.getString("clientId"), second.getString("clientSecret"));
    assertEquals(200, secondToken.statusCode());
    var secondBot = secondToken.bodyAsJsonObject().getString("access_token");
    assertEquals(204, org.send(HttpMethod.DELETE, base + "/" + sid, owner.token(), null).statusCode());
    assertProblem(org.clientCredentials(second.getString("clientId"), second.getString("clientSecret")), 401, "invalid_client");
    assertProblem(org.get("/v1/organizations/" + orgId, secondBot), 401, "invalid_token");
    var orphanName = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
    assertProblem(org.post("/v1/organizations", secondBot, new JsonObject().put("name", orphanName).put("title", "O")), 401,
        "invalid_token");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/users/me", secondBot, new JsonObject().put("name", "ghost")), 401,
        "invalid_token");
    var admin = org.platformAdminToken();
    assertProblem(org.get("/v1/organizations/" + orphanName, admin), 404, "organization_not_found");
  }

  /**
   * A service user's roles are a set, as a person's: answered sorted by name whatever order they were given in (they
   * were answered as given), and the same roles in another order are no change, nothing audited.
   */
  @Test
  void aServiceUsersRolesAreASetSortedByName() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var given = new JsonArray().add("viewer").add("manager");
    var created = org.post(base, owner.token(), new JsonObject().put("name", "ci-bot").put("roles", given));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var sorted = new JsonArray().add("manager").add("viewer");
    assertEquals(sorted, created.bodyAsJsonObject().getJsonArray("roles"));
    var sid = created.bodyAsJsonObject().getString("id");
    assertEquals(sorted, org.get(base + "/" + sid, owner.token()).bodyAsJsonObject().getJsonArray("roles"));
    assertEquals(sorted, org.get(base, owner.token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getJsonArray("roles"));

    var set = org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + sid + "/roles", owner.token(),
        new JsonObject().put("roles", given));
    assertEquals(200, set.statusCode(), set.bodyAsString());
    assertEquals(sorted, set.bodyAsJsonObject().getJsonArray("roles"));
    assertEquals(0, org.audited(owner.token(), orgId, "member.roles_changed").size());
  }

  /**
   * A service user's name is all that tells it apart in member lists and the audit trail: one line, not blank (a name
   * of a line break, or none at all, was taken).
   */
  @Test
  void aServiceUsersNameIsOneLineAndNotBlank() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-nm-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var refusals = Map.of("", "must not be blank", " ", "must not be blank", "\n", ONE_LINE,
        "bot\u001b[2J", ONE_LINE);
    refusals.forEach((name, message) -> assertInvalid(org.post(base, owner.token(), new JsonObject().put("name", name)
        .put("roles", new JsonArray().add("viewer"))), "name: " + message));
    assertEquals(201, org.post(base, owner.token(), new JsonObject().put("name", "build bot")
        .put("roles", new JsonArray().add("viewer"))).statusCode());
    assertEquals(1, org.get(base, owner.token()).bodyAsJsonObject().getJsonArray("items").size());
  }

  /**
   * A service user is no person: it reads its account at {@code /v1/users/me}, without an address, but keeps the
   * name its organization gave it (it renamed itself there, unaudited, before that was refused).
   */
  @Test
  void aServiceUserDoesNotRenameItselfAsAPersonWould() {
    var bot = org.newServiceUser("renamer");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/users/me", bot.token(), new JsonObject().put("name", "renamed")),
        403, "not_a_person");
    var me = org.get("/v1/users/me", bot.token());
    assertEquals(200, me.statusCode(), me.bodyAsString());
    assertEquals("renamer", me.bodyAsJsonObject().getString("name"));
    assertTrue(me.bodyAsJsonObject().containsKey("email"));
    assertEquals(null, me.bodyAsJsonObject().getValue("email"), "the User schema says so: a string or null");
  }

  /**
   * A service user goes as one, credentials and all, at {@code service-users}: the members' API removes none, since
   * without its membership it was out of reach while its secret still signed it in.
   */
  @Test
  void aServiceUserIsNeitherRemovedNorLeavesThroughTheMembersApi() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-rm-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users/";
    var sid = org.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles",
        new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var credential = org.post(base + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var bot = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    var membership = "/v1/organizations/" + orgId + "/users/" + sid;

    assertProblem(org.send(HttpMethod.DELETE, membership, owner.token(), null), 409, "service_user_membership");
    assertProblem(org.send(HttpMethod.DELETE, membership, bot, null), 409, "service_user_membership");
    assertEquals(200, org.get(base + sid, owner.token()).statusCode());
    assertEquals(200, org.get("/v1/organizations/" + orgId, bot).statusCode(), "still a member");

    assertEquals(204, org.send(HttpMethod.DELETE, base + sid, owner.token(), null).statusCode());
    assertProblem(org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret")), 401,
        "invalid_client");
  }

  @Test
  void revokingACredentialEndsItsTokensAtOnceAndOnlyItsTokens() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-rev-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(base, owner.token(), new JsonObject().put("name", "ci-bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    var leaked = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var kept = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var leakedToken = org.clientCredentials(leaked.getString("clientId"), leaked.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    var keptToken = org.clientCredentials(kept.getString("clientId"), kept.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    assertEquals(200, org.get("/v1/organizations/" + orgId, leakedToken).statusCode());

    assertEquals(204, org.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + leaked.getString("clientId"),
        owner.token(), null).statusCode());

    assertProblem(org.get("/v1/organizations/" + orgId, leakedToken), 401, "invalid_token");
    assertEquals(200, org.get("/v1/organizations/" + orgId, keptToken).statusCode());
  }

  /** A client credential's audit events say which credential was made or revoked, as a federated one's do. */
  @Test
  void aCredentialsAuditEventsNameIt() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-aud-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    var clientId = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject()
        .getString("clientId");
    assertEquals(204, org.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + clientId, owner.token(), null)
        .statusCode());

    for (var action : new String[] {"service_user.credential_created", "service_user.credential_revoked"}) {
      var audited = org.audited(owner.token(), orgId, action);
      assertEquals(1, audited.size(), action);
      assertEquals(clientId, audited.getJsonObject(0).getJsonObject("details").getString("clientId"), audited.encode());
    }
  }

  @Test
  void aServiceUserHasAtMostTenLiveClientSecrets() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-cap-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var credentials = "/v1/organizations/" + orgId + "/service-users/" + org.post("/v1/organizations/" + orgId
        + "/service-users", owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id") + "/credentials";
    String clientId = null;
    for (var i = 0; i < CredentialLimits.CLIENT_SECRETS; i++) {
      var made = org.post(credentials, owner.token(), null);
      assertEquals(201, made.statusCode(), made.bodyAsString());
      clientId = made.bodyAsJsonObject().getString("clientId");
    }

    assertProblem(org.post(credentials, owner.token(), null), 409, "credential_limit");
    assertEquals(204, org.send(HttpMethod.DELETE, credentials + "/" + clientId, owner.token(), null).statusCode());
    assertEquals(201, org.post(credentials, owner.token(), null).statusCode(), "a revoked one leaves a place");
  }

  /**
   * A secret made and revoked over and over is kept for days, but listed among the last revoked only: every one of
   * them was on each service user of every page, so a page grew as large as its manager liked.
   */
  @Test
  void aServiceUserListsItsLiveSecretsAndOnlyItsLastRevokedOnes() {
    var owner = org.newUser("owner");
    var rotated = rotated(owner);
    var base = rotated.base();
    var sid = rotated.id();
    var revoked = rotated.revoked();
    var live = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject().getString("clientId");

    var expected = new ArrayList<>(revoked.subList(5, revoked.size()));
    expected.add(live);
    for (var listed : List.of(org.get(base + "/" + sid, owner.token()).bodyAsJsonObject(),
        org.get(base, owner.token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0))) {
      var credentials = listed.getJsonArray("credentials");
      assertEquals(expected, credentials.stream().map(c -> ((JsonObject) c).getString("clientId")).toList(),
          credentials.encode());
      credentials.forEach(c -> assertEquals(owner.id(), ((JsonObject) c).getString("madeBy")));
    }
  }

  /**
   * Once no token of theirs can be alive, a service user keeps only the revoked secrets it lists, its last
   * {@value RetiredCredentials#LISTED_REVOKED}: a secret rotated in a loop kept every one for 30 days. Those revoked
   * within a token's lifetime stay, for the revocation list, however many.
   */
  @Test
  void aServiceUserKeepsOnlyTheRevokedSecretsItListsOnceTheirTokensCannotBeAlive() {
    var owner = org.newUser("owner");
    var rotated = rotated(owner);
    var base = rotated.base();
    var sid = rotated.id();
    var revoked = rotated.revoked();
    var expired = revoked.subList(0, 3);
    PgFixture.execute(org.db(), "UPDATE org.service_credentials SET revoked_at = revoked_at - interval '2 hours' "
        + "WHERE client_id IN ('" + String.join("', '", expired) + "')");

    RetiredCredentials.purges(Database.open(vertx, org.db(), 1, List.of()).await(), 3600)
        .forEach(purge -> purge.run().await());

    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.service_credentials "
        + "WHERE client_id IN ('" + String.join("', '", expired) + "')"), "past the lifetime, beyond the listed");
    assertEquals(revoked.size() - expired.size(), PgFixture.queryLong(org.db(), "SELECT count(*) FROM "
        + "org.service_credentials WHERE service_user_id = '" + sid + "'"), "within the lifetime, however many");
  }

  @Test
  void anotherOrganizationsServiceUsersAndCredentialsLookMissing() {
    var alice = org.newUser("alice");
    var mallory = org.newUser("mallory");
    var aliceBase = "/v1/organizations/" + org.createOrg(alice.token(), "svc-a-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id") + "/service-users";
    var malloryBase = "/v1/organizations/" + org.createOrg(mallory.token(), "svc-m-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id") + "/service-users";
    var robot = new JsonObject().put("name", "robot").put("roles", new JsonArray().add("viewer"));
    var sid = org.post(aliceBase, alice.token(), robot).bodyAsJsonObject().getString("id");
    var credential = org.post(aliceBase + "/" + sid + "/credentials", alice.token(), null).bodyAsJsonObject();
    var cid = credential.getString("clientId");
    var mallorySid = org.post(malloryBase, mallory.token(), robot).bodyAsJsonObject().getString("id");

    assertProblem(org.get(malloryBase + "/" + sid, mallory.token()), 404, "service_user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, malloryBase + "/" + sid, mallory.token(), null), 404,
        "service_user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, malloryBase + "/" + sid + "/credentials/" + cid, mallory.token(), null),
        404, "service_user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, malloryBase + "/" + mallorySid + "/credentials/" + cid, mallory.token(),
        null), 404, "credential_not_found");

    assertEquals(200, org.get(aliceBase + "/" + sid, alice.token()).statusCode(), "Alice's service user is there");
    assertEquals(200, org.clientCredentials(cid, credential.getString("clientSecret")).statusCode(),
        "and its credential still gets tokens");
  }

  @Test
  void anotherInstanceRefusesTheTokensOnceItRereadsRevocations() throws InterruptedException {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var revoking = OrgServiceHarness.start(vertx, db);
    var other = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var owner = revoking.newUser("owner");
    var orgId = revoking.createOrg(owner.token(), "svc-rev2").getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = revoking.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    var credential = revoking.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var token = revoking.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    assertEquals(200, other.get("/v1/organizations/" + orgId, token).statusCode());

    assertEquals(204, revoking.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + credential.getString("clientId"),
        owner.token(), null).statusCode());

    Eventually.holds(() -> other.get("/v1/organizations/" + orgId, token).statusCode() == 401,
        "the other instance still takes the token after 10 s");
    assertEquals(200, other.get("/v1/organizations/" + orgId, owner.token()).statusCode(), "people's tokens are untouched");
  }

  /**
   * Deleting a service user ends its tokens at once for whatever else in this process checks the revocation list
   * (standalone's engine), as a person's deletion does: until session 32 that waited for its next reload of the list.
   */
  @Test
  void deletingAServiceUserEndsItsTokensAtOnceForTheRestOfTheProcess() throws Exception {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-del-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var bot = serviceUserToken(orgId, owner.token());
    var engine = inProcessRevocations();
    try {
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/service-users/" + bot.subject(),
          owner.token(), null).statusCode());

      awaitRefused(engine, bot);
    } finally {
      engine.stop();
    }
  }

  /** The same for the service users an organization's deletion takes with it. */
  @Test
  void deletingAnOrganizationEndsItsServiceUsersTokensAtOnceForTheRestOfTheProcess() throws Exception {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-gone-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var bot = serviceUserToken(orgId, owner.token());
    var engine = inProcessRevocations();
    try {
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId, owner.token(), null).statusCode());

      awaitRefused(engine, bot);
    } finally {
      engine.stop();
    }
  }

  /** A revocation list as standalone's engine keeps one in org-service's process: read once (empty), then only told. */
  private TokenRevocations inProcessRevocations() {
    var revocations = new TokenRevocations(vertx, () -> Future.succeededFuture(TokenRevocations.Snapshot.EMPTY),
        new TokenRevocations.Schedule(3_600_000, 3_600_000));
    revocations.start().await();
    return revocations;
  }

  /** A new service user's token in {@code orgId}, as a verifier reads it. */
  private Principal serviceUserToken(String orgId, String ownerToken) {
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(base, ownerToken, new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    var credential = org.post(base + "/" + sid + "/credentials", ownerToken, null).bodyAsJsonObject();
    var token = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    return Principal.fromClaims(new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
        StandardCharsets.UTF_8)));
  }

  private static void awaitRefused(TokenRevocations revocations, Principal token) throws InterruptedException {
    // told at once; the list's own reload is an hour away, so a busy machine's slow tell has seconds
    var deadline = System.currentTimeMillis() + 10_000;
    while (!revocations.test(token)) {
      assertTrue(System.currentTimeMillis() < deadline, "the token is still taken 10 s after the deletion");
      Thread.sleep(5);
    }
  }

  /**
   * A person's id names no service user on the credential routes, whatever they hold: asked first whether the caller
   * ranks above them, a manager below the owner was told 403 with the owner's permissions they lacked.
   */
  @Test
  void aPersonIsNoServiceUserOnTheCredentialRoutes() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-p-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var manager = org.newUser("manager");
    org.addMembers(orgId, java.util.List.of(manager.id()), "manager");
    var person = "/v1/organizations/" + orgId + "/service-users/" + owner.id();

    assertProblem(org.post(person + "/credentials", manager.token(), null), 404, "service_user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, person + "/credentials/" + UUID.randomUUID(), manager.token(), null),
        404, "service_user_not_found");
    assertProblem(org.post(person + "/federated-credentials", manager.token(), new JsonObject()
        .put("issuer", "https://issuer.example.com").put("subject", "s")), 404, "service_user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, person + "/federated-credentials/" + UUID.randomUUID(), manager.token(),
        null), 404, "service_user_not_found");
  }

  @Test
  void serviceUsersAreListedPageByPage() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-page-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var made = new java.util.ArrayList<String>();
    for (var name : new String[] {"importer", "exporter", "auditor"}) {
      var created = org.post(base, owner.token(), new JsonObject().put("name", name).put("roles",
          new JsonArray().add("viewer")));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      made.add(created.bodyAsJsonObject().getString("id"));
    }
    var listed = org.allPages(base, owner.token(), 2).stream().map(user -> user.getString("id")).toList();
    assertEquals(made.stream().sorted().toList(), listed, "in id order, each once");
  }

  /**
   * The organization's service users and a service user's federated credentials are listed with the limits and
   * cursors every list takes: any other is refused by name.
   */
  @Test
  void listsRefuseALimitOrCursorTheyDoNotTake() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-list-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var bot = org.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles",
        new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    // "bm90LWFuLWlk" is "not-an-id": well-formed base64, but no id a list sorted by id wrote
    var refusals = Map.of("limit=0", "invalid_limit", "limit=501", "invalid_limit", "limit=05", "invalid_limit",
        "limit=-1", "invalid_limit", "cursor=!!", "invalid_cursor", "cursor=bm90LWFuLWlk", "invalid_cursor");
    for (var list : List.of(base, base + "/" + bot + "/federated-credentials")) {
      refusals.forEach((query, code) -> assertProblem(org.get(list + "?" + query, owner.token()), 400, code));
      assertEquals(200, org.get(list + "?limit=500", owner.token()).statusCode(), list);
    }
  }

  @Test
  void badRequestsAreRefused() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "svc-bad-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    assertProblem(org.post(base, owner.token(), new JsonObject().put("name", "x").put("roles", new JsonArray().add("owner"))),
        400, "validation_failed");
    assertProblem(org.post(base, owner.token(), new JsonObject().put("name", "x").put("roles", new JsonArray().add("nope"))),
        422, "unknown_role");
    assertProblem(org.post(base + "/" + UUID.randomUUID() + "/credentials", owner.token(), null), 404,
        "service_user_not_found");
    assertProblem(org.clientCredentials("not-a-uuid", "x"), 401, "invalid_client");
    var stranger = org.newUser("stranger");
    assertProblem(org.post(base, stranger.token(), new JsonObject().put("name", "x").put("roles",
        new JsonArray().add("viewer"))), 404, "organization_not_found");

    var bot = org.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")))
        .bodyAsJsonObject().getString("id");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + bot + "/roles", owner.token(),
        new JsonObject().put("roles", new JsonArray().add("owner"))), 400, "validation_failed");
    var elsewhere = org.createOrg(owner.token(), "svc-else-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    assertProblem(org.post("/v1/organizations/" + elsewhere + "/users", owner.token(), new JsonObject()
        .put("userIds", new JsonArray().add(bot)).put("roles", new JsonArray().add("viewer"))), 422, "unknown_users");
  }

  /**
   * A service user of a new organization of {@code owner}'s, whose secrets were made and revoked five more times than
   * it lists revoked ones.
   */
  private RotatedServiceUser rotated(OrgServiceHarness.Account owner) {
    var orgId = org.createOrg(owner.token(), "svc-kept-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles", new JsonArray()
        .add("viewer"))).bodyAsJsonObject().getString("id");
    var revoked = new ArrayList<String>();
    for (var i = 0; i < RetiredCredentials.LISTED_REVOKED + 5; i++) {
      var clientId = org.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject()
          .getString("clientId");
      assertEquals(204, org.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + clientId, owner.token(), null)
          .statusCode());
      revoked.add(clientId);
    }
    return new RotatedServiceUser(base, sid, revoked);
  }

  /** A service user's collection path, its id, and its revoked client ids, oldest first. */
  private record RotatedServiceUser(String base, String id, List<String> revoked) {
  }
}
