package dev.orgplane.org.group;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrganizationGroupTest extends GroupsTest {

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> createOrgInGroup(String token,
      String groupId, String key) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    if (key != null) {
      headers.add("X-Create-Key", key);
    }
    return org.send(HttpMethod.POST, "/v1/organizations", token, new JsonObject()
        .put("name", "g-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("groupId", groupId), headers);
  }

  private String scopedToken(String groupId, String organization, String token) {
    var scoped = org.post("/v1/organization-groups/" + groupId + "/organizations/" + organization + "/token", token, null);
    assertEquals(200, scoped.statusCode(), scoped.bodyAsString());
    return scoped.bodyAsJsonObject().getString("access_token");
  }

  /**
   * An organization made without a group gets one of its own, which goes with it (else platform admins kept seeing
   * an empty group per deleted organization); a group that another organization joined, or that a platform admin
   * made, stays.
   */
  @Test
  void anOrganizationsOwnGroupGoesWithIt() {
    var owner = org.newUser("founder");
    var groups = org.allPages("/v1/organization-groups", platformAdmin, 500).size();
    var lone = org.createOrg(owner.token(), "own-" + UUID.randomUUID().toString().substring(0, 8));
    assertEquals(groups + 1, org.allPages("/v1/organization-groups", platformAdmin, 500).size());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + lone.getString("id"), owner.token(), null)
        .statusCode());
    assertEquals(groups, org.allPages("/v1/organization-groups", platformAdmin, 500).size(), "its group went with it");
    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events "
        + "WHERE action = 'organization_group.deleted' AND target = 'organization_group:" + lone.getString("groupId")
        + "' AND actor = '" + owner.id() + "' AND details = '" + new JsonObject().put("name", lone.getString("name"))
        .put("organizationId", lone.getString("id")).encode() + "'::jsonb"), "the group's deletion is audited");

    var founder = org.createOrg(owner.token(), "own-" + UUID.randomUUID().toString().substring(0, 8));
    var sharedGroup = founder.getString("groupId");
    var key = org.post("/v1/organization-groups/" + sharedGroup + "/create-key", platformAdmin, null).bodyAsJsonObject()
        .getString("createKey");
    assertEquals(201, createOrgInGroup(owner.token(), sharedGroup, key).statusCode());
    var madeGroup = calls.newGroup();
    var member = createOrgInGroup(owner.token(), madeGroup.getString("id"), madeGroup.getString("createKey"))
        .bodyAsJsonObject().getString("id");
    for (var id : List.of(founder.getString("id"), member)) {
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id, owner.token(), null).statusCode());
    }
    for (var kept : List.of(sharedGroup, madeGroup.getString("id"))) {
      assertEquals(200, org.get("/v1/organization-groups/" + kept, platformAdmin).statusCode());
    }
  }

  /**
   * A platform admin who appoints admins to an organization's own group, or rotates a create key onto it, makes it
   * theirs (V25): deleting the organization leaves it, its admins and its key.
   */
  @Test
  void anOwnGroupAPlatformAdminMadeTheirsStaysWhenItsOrganizationGoes() {
    var owner = org.newUser("founder");
    var admin = org.newVerifiedUser("appointed");
    var appointed = org.createOrg(owner.token(), "own-" + UUID.randomUUID().toString().substring(0, 8));
    var appointedGroup = appointed.getString("groupId");
    calls.appoint(appointedGroup, admin.id());
    var keyed = org.createOrg(owner.token(), "own-" + UUID.randomUUID().toString().substring(0, 8));
    var keyedGroup = keyed.getString("groupId");
    var key = org.post("/v1/organization-groups/" + keyedGroup + "/create-key", platformAdmin, null)
        .bodyAsJsonObject().getString("createKey");
    for (var id : List.of(appointed.getString("id"), keyed.getString("id"))) {
      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id, owner.token(), null).statusCode());
    }
    var admins = org.get("/v1/organization-groups/" + appointedGroup + "/admins", platformAdmin);
    assertEquals(200, admins.statusCode(), admins.bodyAsString());
    assertEquals(admin.id(), admins.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("userId"));
    assertEquals(201, createOrgInGroup(owner.token(), keyedGroup, key).statusCode(), "the key still creates");
  }

  /** Group admins are people: a service user or the provisioning engine would hold every organization of the group. */
  @Test
  void onlyAPersonBecomesAGroupAdmin() {
    var groupId = calls.newGroup().getString("id");
    var owner = org.newVerifiedUser("owner");
    var orgId = org.createOrg(owner.token(), "su-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var serviceUser = org.post("/v1/organizations/" + orgId + "/service-users", owner.token(), new JsonObject()
        .put("name", "robot").put("roles", new io.vertx.core.json.JsonArray().add("viewer"))).bodyAsJsonObject()
        .getString("id");
    for (var machine : List.of(serviceUser, OrgServiceHarness.ENGINE_CLIENT_ID)) {
      assertProblem(org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + machine, platformAdmin,
          null), 422, "not_a_person");
    }
    assertProblem(org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + UUID.randomUUID(),
        platformAdmin, null), 422, "unknown_users");
    calls.appoint(groupId, owner.id());
  }

  @Test
  void onlyPlatformAdminsCreateGroupsAndTheKeyIsShownOnce() {
    var user = org.newUser("user");
    assertProblem(org.post("/v1/organization-groups", user.token(), new JsonObject().put("name", "x")), 403, "forbidden");
    var group = calls.newGroup();
    assertTrue(group.getString("createKey").startsWith("ock_"));
    var read = org.get("/v1/organization-groups/" + group.getString("id"), platformAdmin).bodyAsJsonObject();
    assertTrue(!read.containsKey("createKey"));
  }

  @Test
  void aGroupNeedsAValidName() {
    var before = org.allPages("/v1/organization-groups", platformAdmin, 500).size();
    for (var bad : List.of(new JsonObject(), new JsonObject().put("name", "x".repeat(257)),
        new JsonObject().put("name", "Named").put("createKey", "ock_mine"))) {
      assertProblem(org.post("/v1/organization-groups", platformAdmin, bad), 400, "validation_failed");
    }
    assertEquals(before, org.allPages("/v1/organization-groups", platformAdmin, 500).size(), "no group was made");
  }

  @Test
  void createKeyLetsAnyoneAddAnOrganizationUntilRotated() {
    var group = calls.newGroup();
    var user = org.newUser("tenant");
    var gid = group.getString("id");
    assertProblem(createOrgInGroup(user.token(), gid, null), 403, "create_key_invalid");
    assertProblem(createOrgInGroup(user.token(), gid, "ock_wrong"), 403, "create_key_invalid");
    var created = createOrgInGroup(user.token(), gid, group.getString("createKey"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(gid, created.bodyAsJsonObject().getString("groupId"));
    var rotated = org.post("/v1/organization-groups/" + gid + "/create-key", platformAdmin, null).bodyAsJsonObject();
    assertNotEquals(group.getString("createKey"), rotated.getString("createKey"));
    assertProblem(createOrgInGroup(user.token(), gid, group.getString("createKey")), 403, "create_key_invalid");
    assertEquals(201, createOrgInGroup(user.token(), gid, rotated.getString("createKey")).statusCode());
  }

  /**
   * A create key a group admin rotated is void once they are revoked, audited as voided: the key they were shown must
   * not go on adding organizations to the group for one who no longer runs it. A key a platform admin rotated stays.
   */
  @Test
  void aCreateKeyARevokedAdminRotatedIsVoid() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("rotating-admin");
    var other = org.newVerifiedUser("staying-admin");
    calls.appoint(gid, admin.id());
    calls.appoint(gid, other.id());
    var key = org.post("/v1/organization-groups/" + gid + "/create-key", admin.token(), null).bodyAsJsonObject()
        .getString("createKey");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + other.id(),
        platformAdmin, null).statusCode());
    assertEquals(201, createOrgInGroup(admin.token(), gid, key).statusCode(), "another admin's revocation leaves it");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());

    assertProblem(createOrgInGroup(admin.token(), gid, key), 403, "create_key_invalid");
    assertProblem(createOrgInGroup(org.newUser("key-holder").token(), gid, key), 403, "create_key_invalid");
    assertEquals(admin.id(), PgFixture.queryString(org.db(), "SELECT string_agg(details->>'rotatedBy', ',') "
        + "FROM org.audit_events WHERE action = 'organization_group.create_key_voided' AND org_id IS NULL "
        + "AND target = 'organization_group:" + gid + "'"));

    var platformKey = org.post("/v1/organization-groups/" + gid + "/create-key", platformAdmin, null)
        .bodyAsJsonObject().getString("createKey");
    calls.appoint(gid, admin.id());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    assertEquals(201, createOrgInGroup(admin.token(), gid, platformKey).statusCode(), "a platform admin's key stays");
  }

  /**
   * A group admin grants themself nothing in an organization of the group they do not own, neither a membership (an
   * add, an import, their own invitation accepted) nor roles (403 {@code self_grant_refused}): what they gave
   * themself there outlived their adminship, and a revoked admin kept removing the owner. A platform admin still adds
   * them, and whatever they hold then is theirs after a revocation; what they made and own stays theirs too.
   */
  @Test
  void aGroupAdminGrantsThemselfNothingByTheirAdminshipAlone() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("tenant-owner");
    var orgId = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    var admin = org.newVerifiedUser("self-granting-admin");
    calls.appoint(gid, admin.id());
    var users = "/v1/organizations/" + orgId + "/users";
    var asOwner = new JsonArray().add("owner");

    assertProblem(org.post(users, admin.token(), new JsonObject().put("userIds", new JsonArray().add(admin.id()))
        .put("roles", asOwner)), 403, "self_grant_refused");
    assertProblem(org.post(users + ":batch", admin.token(), new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", admin.id()).put("roles", asOwner)))), 403, "self_grant_refused");
    var invitation = org.post("/v1/organizations/" + orgId + "/invitations", admin.token(), new JsonObject()
        .put("email", admin.email()).put("roles", asOwner));
    assertEquals(201, invitation.statusCode(), invitation.bodyAsString());
    assertProblem(org.post("/v1/invitations/" + invitation.bodyAsJsonObject().getString("id") + "/accept",
        admin.token(), null), 403, "self_grant_refused");
    var scoped = scopedToken(gid, orgId, admin.token());
    assertProblem(org.post(users, scoped, new JsonObject().put("userIds", new JsonArray().add(admin.id()))), 403,
        "self_grant_refused");
    var members = org.get(users, owner.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, members.size(), "the admin joined nothing: " + members.encode());

    assertEquals(200, org.post(users, platformAdmin, new JsonObject().put("userIds", new JsonArray().add(admin.id()))
        .put("roles", new JsonArray().add("viewer"))).statusCode());
    assertProblem(org.send(HttpMethod.PUT, users + "/" + admin.id() + "/roles", admin.token(),
        new JsonObject().put("roles", asOwner)), 403, "self_grant_refused");
    var own = createOrgInGroup(admin.token(), gid, null).bodyAsJsonObject().getString("id");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());

    assertProblem(org.send(HttpMethod.DELETE, users + "/" + owner.id(), admin.token(), null), 403, "forbidden");
    assertEquals(List.of("viewer"), org.get(users + "/" + admin.id(), admin.token()).bodyAsJsonObject()
        .getJsonArray("roles").getList());
    assertEquals(List.of("owner"), org.get("/v1/organizations/" + own + "/users/" + admin.id(), admin.token())
        .bodyAsJsonObject().getJsonArray("roles").getList(), "the organization they made stays theirs");
  }

  @Test
  void groupAdminActsInEveryOrganizationOfTheGroupAndGetsScopedTokens() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("groupadmin");
    var orgId = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    assertProblem(org.get("/v1/organizations/" + orgId, admin.token()), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + admin.id(), owner.token(),
        null), 403, "forbidden");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());

    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, admin.token(),
        new JsonObject().put("title", "Run by the group admin")).statusCode());
    var listed = org.get("/v1/organization-groups/" + gid + "/organizations", admin.token()).bodyAsJsonObject();
    assertEquals(orgId, listed.getJsonArray("items").getJsonObject(0).getString("id"));
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + admin.id(), owner.token(), null),
        404, "member_not_found");

    var tokenPath = "/v1/organization-groups/" + gid + "/organizations/" + orgId + "/token";
    var scoped = org.post(tokenPath, admin.token(), null);
    assertEquals(200, scoped.statusCode(), scoped.bodyAsString());
    var scopedToken = scoped.bodyAsJsonObject().getString("access_token");
    assertEquals(200, org.get("/v1/organizations/" + orgId, scopedToken).statusCode());
    assertProblem(org.post(tokenPath, scopedToken, null), 404, "organization_not_found");
    var orgName = org.get("/v1/organizations/" + orgId, admin.token()).bodyAsJsonObject().getString("name");
    var byName = org.post("/v1/organization-groups/" + gid + "/organizations/" + orgName + "/token", admin.token(), null);
    assertEquals(200, byName.statusCode(), "an organization by its name too: " + byName.bodyAsString());
    assertEquals(200, org.get("/v1/organizations/" + orgName, byName.bodyAsJsonObject().getString("access_token"))
        .statusCode());
    var elsewhere = org.createOrg(admin.token(), "own-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    assertProblem(org.get("/v1/organizations/" + elsewhere, scopedToken), 404, "organization_not_found");
    assertProblem(org.post("/v1/organizations", scopedToken, new JsonObject().put("name", "scoped-"
        + UUID.randomUUID().toString().substring(0, 8)).put("title", "T").put("groupId", gid)), 403, "scoped_token");
    assertTrue(org.get("/v1/organization-groups", scopedToken).bodyAsJsonObject().getJsonArray("items").isEmpty(),
        "a scoped token carries no group powers, not even to list the groups");
    assertProblem(org.post(tokenPath, owner.token(), null), 404, "organization_not_found");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    assertProblem(org.get("/v1/organizations/" + orgId, admin.token()), 404, "organization_not_found");
    assertProblem(org.post(tokenPath, admin.token(), null), 404, "organization_not_found");
  }

  /**
   * A group admin's token scoped to one organization changes nothing of its holder's account, which reaches beyond
   * that organization: no rename, password, address, verification mail, sign-out everywhere or deletion (403
   * {@code scoped_token}, as for founding an organization). Until session 35 it did all of them. It still reads the
   * account, and works in its organization.
   */
  @Test
  void aScopedTokenChangesNothingOfItsHoldersAccount() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("account-admin");
    calls.appoint(gid, admin.id());
    var orgId = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    var scoped = scopedToken(gid, orgId, admin.token());
    var password = "password-account-admin-123";

    assertProblem(org.send(HttpMethod.PATCH, "/v1/users/me", scoped, new JsonObject().put("name", "renamed")), 403,
        "scoped_token");
    assertProblem(org.send(HttpMethod.PUT, "/v1/users/me/password", scoped, new JsonObject()
        .put("currentPassword", password).put("password", "another-password-123")), 403, "scoped_token");
    assertProblem(org.send(HttpMethod.PUT, "/v1/users/me/email", scoped, new JsonObject()
        .put("email", "moved-" + UUID.randomUUID() + "@test.local").put("password", password)), 403, "scoped_token");
    assertProblem(org.post("/v1/users/me/email-verifications", scoped, null), 403, "scoped_token");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/me/sessions", scoped, null), 403, "scoped_token");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/me", scoped, new JsonObject().put("password", password)), 403,
        "scoped_token");

    var me = org.get("/v1/users/me", scoped);
    assertEquals(200, me.statusCode(), "it reads the account");
    assertEquals("account-admin", me.bodyAsJsonObject().getString("name"));
    assertEquals(200, org.get("/v1/organizations/" + orgId, scoped).statusCode(), "its sessions go on");
    assertEquals(200, org.get("/v1/users/me", admin.token()).statusCode());
    assertEquals(200, org.requestToken(admin.email(), password).statusCode(), "its password is unchanged");
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.email_changes WHERE user_id = '"
        + admin.id() + "'"));
  }

  /**
   * A group admin who signed out everywhere gets no scoped token with a token from before, even where the end is not
   * heard of yet (another instance, before its revocations reload): one minted there was stamped after the end and
   * outlived it by a whole lifetime.
   */
  @Test
  void aTokenWhoseSessionsEndedGetsNoScopedTokenOnAnotherInstance() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("leavingadmin");
    var orgId = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    calls.appoint(gid, admin.id());
    // another process: instances sharing one Vert.x hear of each other's ends at once, on its event bus
    var elsewhere = Vertx.vertx();
    try {
      var other = OrgServiceHarness.start(elsewhere, org.db());
      scopedToken(gid, orgId, admin.token());

      assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me/sessions", admin.token(), null).statusCode());

      assertEquals(200, other.get("/v1/users/me", admin.token()).statusCode(), "the other instance has not reloaded");
      assertProblem(other.post("/v1/organization-groups/" + gid + "/organizations/" + orgId + "/token", admin.token(),
          null), 401, "invalid_token");
    } finally {
      elsewhere.close().await();
    }
  }

  /**
   * A group admin's scoped token shares their subject, not their Idempotency-Keys: with the key of their own token's
   * request it replayed that answer, a token for another organization of the group.
   */
  @Test
  void aScopedTokenDoesNotReplayWhatItsHoldersOwnTokenWasAnswered() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var owner = org.newUser("owner");
    var admin = org.newVerifiedUser("groupadmin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var x = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    var y = createOrgInGroup(owner.token(), gid, group.getString("createKey")).bodyAsJsonObject().getString("id");
    var scopedToX = scopedToken(gid, x, admin.token());
    var tokenForY = "/v1/organization-groups/" + gid + "/organizations/" + y + "/token";
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    assertProblem(org.post(tokenForY, scopedToX, null), 404, "organization_not_found");

    assertEquals(200, org.send(HttpMethod.POST, tokenForY, admin.token(), null, key).statusCode());
    var keyed = org.send(HttpMethod.POST, tokenForY, scopedToX, null, key);
    assertEquals(null, keyed.getHeader("Idempotent-Replayed"));
    assertProblem(keyed, 404, "organization_not_found");
  }

  @Test
  void groupsAreInvisibleToOutsiders() {
    var group = calls.newGroup();
    var outsider = org.newUser("outsider");
    var gid = group.getString("id");
    assertProblem(org.get("/v1/organization-groups/" + gid, outsider.token()), 404, "organization_group_not_found");
    assertProblem(org.post("/v1/organization-groups/" + gid + "/create-key", outsider.token(), null), 404,
        "organization_group_not_found");
    assertTrue(org.get("/v1/organization-groups", outsider.token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
    assertProblem(org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + UUID.randomUUID(),
        platformAdmin, null), 422, "unknown_users");
  }

  @Test
  void aGroupAdminListsTheGroupsItRunsPageByPage() {
    var admin = org.newVerifiedUser("runs-two");
    var run = new TreeSet<String>();
    for (int i = 0; i < 2; i++) {
      var gid = calls.newGroup().getString("id");
      run.add(gid);
      assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + admin.id(),
          platformAdmin, null).statusCode());
    }
    calls.newGroup();
    var first = org.get("/v1/organization-groups?limit=1", admin.token()).bodyAsJsonObject();
    var second = org.get("/v1/organization-groups?limit=1&cursor=" + first.getString("nextCursor"), admin.token())
        .bodyAsJsonObject();
    var listed = new ArrayList<String>();
    for (var page : List.of(first, second)) {
      page.getJsonArray("items").forEach(g -> listed.add(((JsonObject) g).getString("id")));
    }
    assertEquals(List.copyOf(run), listed, "the groups it runs, in id order, and no other");
    assertEquals(null, second.getString("nextCursor"));
  }

  @Test
  void aGroupAdminGetsNoTokenForAnotherGroupsOrganization() {
    var mine = calls.newGroup().getString("id");
    var theirs = calls.newGroup();
    var admin = org.newVerifiedUser("admin-of-one");
    calls.appoint(mine, admin.id());
    var own = createOrgInGroup(admin.token(), mine, null).bodyAsJsonObject().getString("id");
    var foreign = createOrgInGroup(org.newUser("their-owner").token(), theirs.getString("id"),
        theirs.getString("createKey")).bodyAsJsonObject();

    for (var ref : List.of(foreign.getString("id"), foreign.getString("name"))) {
      assertProblem(org.post("/v1/organization-groups/" + mine + "/organizations/" + ref + "/token", admin.token(),
          null), 404, "organization_not_found");
      assertProblem(org.post("/v1/organization-groups/" + theirs.getString("id") + "/organizations/" + ref + "/token",
          admin.token(), null), 404, "organization_not_found");
    }
    var scoped = scopedToken(mine, own, admin.token());
    assertProblem(org.post("/v1/organization-groups/" + mine + "/organizations/" + own + "/token", scoped, null), 404,
        "organization_not_found");
    var sibling = createOrgInGroup(admin.token(), mine, null).bodyAsJsonObject().getString("id");
    assertProblem(org.post("/v1/organization-groups/" + mine + "/organizations/" + sibling + "/token", scoped, null),
        404, "organization_not_found");
    assertProblem(org.get("/v1/organizations/" + foreign.getString("id"), admin.token()), 404, "organization_not_found");
  }

  @Test
  void aGroupAdminCannotRemoveAnotherAdmin() {
    var gid = calls.newGroup().getString("id");
    var first = org.newVerifiedUser("first-admin");
    var second = org.newVerifiedUser("second-admin");
    calls.appoint(gid, first.id());
    calls.appoint(gid, second.id());
    var admins = "/v1/organization-groups/" + gid + "/admins/";

    assertProblem(org.send(HttpMethod.DELETE, admins + second.id(), first.token(), null), 403, "forbidden");
    assertProblem(org.send(HttpMethod.DELETE, admins + first.id(), first.token(), null), 403, "forbidden");
    var outsider = org.newUser("would-be-admin");
    assertProblem(org.send(HttpMethod.PUT, admins + outsider.id(), first.token(), null), 403, "forbidden");

    assertEquals(200, org.get("/v1/organization-groups/" + gid, second.token()).statusCode(), "still an admin");
    assertEquals(200, org.get("/v1/organization-groups/" + gid, first.token()).statusCode(), "still an admin");
    assertProblem(org.get("/v1/organization-groups/" + gid, outsider.token()), 404, "organization_group_not_found");
  }

  @Test
  void removingAnAdminNeedsTheGroupAndTheAdmin() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("kept-admin");
    calls.appoint(gid, admin.id());
    var plain = org.newUser("never-admin");

    assertProblem(org.send(HttpMethod.DELETE, "/v1/organization-groups/" + gid + "/admins/" + plain.id(),
        platformAdmin, null), 404, "admin_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organization-groups/" + UUID.randomUUID() + "/admins/" + admin.id(),
        platformAdmin, null), 404, "organization_group_not_found");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organization-groups/" + UUID.randomUUID() + "/admins/" + admin.id(),
        platformAdmin, null), 404, "organization_group_not_found");
    assertEquals(200, org.get("/v1/organization-groups/" + gid, admin.token()).statusCode(), "still an admin");
  }

  /**
   * Scoping narrows which organizations a token acts in, not the powers within its one: a group admin's or platform
   * admin's scoped token acts as group or platform admin there, and carries no group powers.
   */
  @Test
  void aScopedTokenKeepsItsAdminsPowersInItsOrganizationAndNoGroupPowers() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var admin = org.newVerifiedUser("scoped-group-admin");
    calls.appoint(gid, admin.id());
    calls.appoint(gid, org.get("/v1/users/me", platformAdmin).bodyAsJsonObject().getString("id"));
    var orgId = createOrgInGroup(org.newUser("tenant-owner").token(), gid, group.getString("createKey"))
        .bodyAsJsonObject().getString("id");

    var levels = List.of("group_admin", "group", "platform_admin", "platform");
    var tokens = List.of(scopedToken(gid, orgId, admin.token()), scopedToken(gid, orgId, platformAdmin));
    for (int i = 0; i < tokens.size(); i++) {
      var scoped = tokens.get(i);
      assertEquals(levels.get(2 * i), org.get("/v1/organizations/" + orgId + "/permissions/me", scoped)
          .bodyAsJsonObject().getString("via"));
      var disabled = org.post("/v1/organizations/" + orgId + "/disable", scoped, null);
      assertEquals(200, disabled.statusCode(), disabled.bodyAsString());
      assertEquals(levels.get(2 * i + 1), disabled.bodyAsJsonObject().getString("disabledBy"));
      assertEquals(200, org.post("/v1/organizations/" + orgId + "/enable", scoped, null).statusCode());

      assertTrue(org.get("/v1/organization-groups", scoped).bodyAsJsonObject().getJsonArray("items").isEmpty());
      assertProblem(org.get("/v1/organization-groups/" + gid, scoped), 404, "organization_group_not_found");
      assertProblem(createOrgInGroup(scoped, gid, null), 403, "scoped_token");
    }
  }

  @Test
  void aScopedTokenNeitherCreatesNorDeletesAccounts() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("account-maker");
    calls.appoint(gid, admin.id());
    var orgId = createOrgInGroup(admin.token(), gid, null).bodyAsJsonObject().getString("id");
    var email = "made-" + UUID.randomUUID() + "@test.local";

    assertProblem(org.post("/v1/users", scopedToken(gid, orgId, admin.token()), new JsonObject().put("email", email)),
        403, "forbidden");
    assertTrue(org.get("/v1/users?email=" + email, platformAdmin).bodyAsJsonObject().getJsonArray("items").isEmpty(),
        "no account was made");
    assertEquals(201, org.post("/v1/users", admin.token(), new JsonObject().put("email", email)).statusCode(),
        "the group admin's own token may");

    // a platform admin's token scoped to an organization carries no platform powers either
    calls.appoint(gid, org.get("/v1/users/me", platformAdmin).bodyAsJsonObject().getString("id"));
    var person = org.newUser("kept-person");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/" + person.id(), scopedToken(gid, orgId, platformAdmin), null),
        403, "forbidden");
    assertEquals(200, org.get("/v1/users/me", person.token()).statusCode(), "the account is still there");
  }
}
