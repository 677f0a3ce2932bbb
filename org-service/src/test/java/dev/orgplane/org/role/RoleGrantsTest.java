package dev.orgplane.org.role;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** No one grants what they do not hold: each way a role reaches someone, tried by a caller holding less. */
class RoleGrantsTest extends OrgServiceTest {

  private OrgServiceHarness.Account owner;
  private OrgServiceHarness.Account manager;
  private String orgId;

  @BeforeEach
  void anOrganizationWithAManager() {
    owner = org.newVerifiedUser("owner");
    manager = org.newVerifiedUser("manager");
    orgId = org.createOrg(owner.token(), "g-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    join(manager, "manager");
  }

  private void join(OrgServiceHarness.Account who, String role) {
    org.addMembers(orgId, List.of(who.id()), role);
  }

  /**
   * Makes {@code who} a member of another organization of the group, founded with the group's create key: one of the
   * people the organization's managers add directly.
   */
  private void shareTheGroupWith(OrgServiceHarness.Account who) {
    var admin = org.platformAdminToken();
    var groupId = org.get("/v1/organizations/" + orgId, owner.token()).bodyAsJsonObject().getString("groupId");
    var key = org.post("/v1/organization-groups/" + groupId + "/create-key", admin, null).bodyAsJsonObject()
        .getString("createKey");
    var name = "s-" + UUID.randomUUID().toString().substring(0, 8);
    var sibling = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject().put("name", name)
        .put("title", name).put("groupId", groupId), MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", key));
    assertEquals(201, sibling.statusCode(), sibling.bodyAsString());
    org.addMembers(sibling.bodyAsJsonObject().getString("id"), List.of(who.id()), "viewer");
  }

  private HttpResponse<Buffer> addMember(OrgServiceHarness.Account by,
      OrgServiceHarness.Account who, String role) {
    return org.post("/v1/organizations/" + orgId + "/users", by.token(),
        new JsonObject().put("userIds", new JsonArray().add(who.id())).put("roles", new JsonArray().add(role)));
  }

  private HttpResponse<Buffer> setRoles(OrgServiceHarness.Account by,
      OrgServiceHarness.Account who, String role) {
    return org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + who.id() + "/roles", by.token(),
        new JsonObject().put("roles", new JsonArray().add(role)));
  }

  /** A new member whose one custom role, {@code name}, reads the organization and holds {@code permission}, no more. */
  private OrgServiceHarness.Account keeperWith(String name, String permission) {
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        role(name, "app_organization_get", permission)).statusCode());
    var keeper = org.newUser("keeper");
    join(keeper, name);
    return keeper;
  }

  private static JsonObject role(String name, String... permissions) {
    return new JsonObject().put("name", name).put("permissions", new JsonArray(List.of(permissions)));
  }

  /**
   * Inviting an address again replaces its pending invitation: a manager may not so take back an owner's invitation
   * to ownership (nor put their own name on it), though they may refresh one within their own permissions.
   */
  @Test
  void aManagerReplacesNoInvitationGrantingMoreThanTheyHold() {
    var email = "someone-" + UUID.randomUUID() + "@example.com";
    var path = "/v1/organizations/" + orgId + "/invitations";
    var invited = org.post(path, owner.token(), new JsonObject().put("email", email)
        .put("roles", new JsonArray().add("owner"))).bodyAsJsonObject();
    assertProblem(org.post(path, manager.token(), new JsonObject().put("email", email.toUpperCase())
        .put("roles", new JsonArray().add("viewer"))), 403, "permission_not_held");
    assertEquals(invited, org.get(path + "/" + invited.getString("id"), owner.token()).bodyAsJsonObject());

    assertEquals(201, org.post(path, owner.token(), new JsonObject().put("email", email)
        .put("roles", new JsonArray().add("manager"))).statusCode());
    var replaced = org.post(path, manager.token(), new JsonObject().put("email", email)
        .put("roles", new JsonArray().add("viewer")));
    assertEquals(201, replaced.statusCode(), replaced.bodyAsString());
    assertEquals(List.of("viewer"), replaced.bodyAsJsonObject().getJsonArray("roles").getList());
  }

  /** Withdrawing an invitation takes back its grant as replacing it does: a manager withdraws no owner's. */
  @Test
  void aManagerWithdrawsNoInvitationGrantingMoreThanTheyHold() {
    var path = "/v1/organizations/" + orgId + "/invitations/";
    var toOwnership = org.post(path, owner.token(), new JsonObject().put("email", "someone-" + UUID.randomUUID()
        + "@example.com").put("roles", new JsonArray().add("owner"))).bodyAsJsonObject();
    assertProblem(org.send(HttpMethod.DELETE, path + toOwnership.getString("id"), manager.token(), null), 403,
        "permission_not_held");
    assertEquals(toOwnership, org.get(path + toOwnership.getString("id"), owner.token()).bodyAsJsonObject());

    var toViewing = org.post(path, owner.token(), new JsonObject().put("email", "someone-" + UUID.randomUUID()
        + "@example.com").put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject();
    assertEquals(204, org.send(HttpMethod.DELETE, path + toViewing.getString("id"), manager.token(), null)
        .statusCode(), "within their own permissions a manager withdraws");
  }

  @Test
  void aManagerMakesNoOwnerAndChangesNone() {
    var newcomer = org.newUser("newcomer");
    assertProblem(addMember(manager, newcomer, "owner"), 403, "permission_not_held");
    assertProblem(setRoles(manager, manager, "owner"), 403, "permission_not_held");
    assertProblem(setRoles(manager, owner, "viewer"), 403, "permission_not_held");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + owner.id(), manager.token(),
        null), 403, "permission_not_held");
    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", manager.token(), new JsonObject()
        .put("email", "someone-" + UUID.randomUUID() + "@example.com").put("roles", new JsonArray().add("owner"))),
        403, "permission_not_held");
    var members = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject();
    assertEquals(2, members.getJsonArray("items").size(), "the newcomer was not added");
    assertEquals(List.of("owner"), rolesOf(owner));

    // within their own permissions a manager still manages
    shareTheGroupWith(newcomer);
    assertEquals(200, addMember(manager, newcomer, "viewer").statusCode());
    assertEquals(200, setRoles(manager, newcomer, "manager").statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + newcomer.id(),
        manager.token(), null).statusCode());
    assertEquals(200, setRoles(owner, manager, "owner").statusCode(), "an owner makes owners");
  }

  /**
   * An import replaces the roles of members it names, so it demotes no one holding more than the caller, as
   * {@code PUT .../roles} does not; it may name an owner, whom it leaves as they are.
   */
  @Test
  void anImportDemotesNoMemberHoldingMoreThanTheCaller() {
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", owner.token(), role("member-keeper",
        "app_organization_get", "app_organization_userlist", "app_organization_usermanage", "app_group_list"))
        .statusCode());
    var keeper = org.newUser("keeper");
    var member = org.newUser("member");
    join(keeper, "member-keeper");
    join(member, "member");
    var batch = "/v1/organizations/" + orgId + "/users:batch";

    assertProblem(setRoles(keeper, manager, "member"), 403, "permission_not_held");
    var demoting = importing(item(member, "member-keeper"), item(manager, "member"));
    assertProblem(org.post(batch, keeper.token(), demoting), 403, "permission_not_held");
    assertEquals(List.of("manager"), rolesOf(manager));
    assertEquals(List.of("member"), rolesOf(member), "nothing of the batch was written");

    var ownerStays = org.post(batch, keeper.token(), importing(item(member, "member-keeper"), item(owner, "member")));
    assertEquals(200, ownerStays.statusCode(), ownerStays.bodyAsString());
    assertEquals(List.of("owner"), rolesOf(owner));
    assertEquals(List.of("member-keeper"), rolesOf(member));
    assertEquals(200, org.post(batch, keeper.token(), importing(item(manager, "member")).put("existing", "keep"))
        .statusCode(), "keeping changes no one");
    assertEquals(List.of("manager"), rolesOf(manager));
  }

  private static JsonObject importing(JsonObject... items) {
    return new JsonObject().put("items", new JsonArray(List.of(items)));
  }

  private static JsonObject item(OrgServiceHarness.Account who, String role) {
    return new JsonObject().put("id", who.id()).put("roles", new JsonArray().add(role));
  }

  private List<Object> rolesOf(OrgServiceHarness.Account who) {
    return org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(m -> m.getString("userId").equals(who.id())).findFirst()
        .orElseThrow().getJsonArray("roles").getList();
  }

  @Test
  void aRoleManagerCannotWidenTheRoleTheyHold() {
    var created = org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        role("role-keeper", "app_organization_get", "app_organization_rolemanage"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var keeper = org.newUser("keeper");
    join(keeper, "role-keeper");
    var rolePath = "/v1/organizations/" + orgId + "/roles/" + created.bodyAsJsonObject().getString("id");
    assertProblem(org.send(HttpMethod.PATCH, rolePath, keeper.token(), new JsonObject().put("permissions",
        new JsonArray().add("app_organization_rolemanage").add("app_organization_usermanage"))), 403,
        "permission_not_held");
    assertProblem(org.post("/v1/organizations/" + orgId + "/roles", keeper.token(),
        role("wider", "app_audit_list")), 403, "permission_not_held");
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/roles/" + UUID.randomUUID(),
        keeper.token(), role("wider", "app_audit_list")), 403, "permission_not_held");
    assertEquals(List.of("app_organization_get", "app_organization_rolemanage"),
        org.get(rolePath, owner.token()).bodyAsJsonObject().getJsonArray("permissions").getList().stream().sorted()
            .toList());

    // nor narrow a role that holds more than they do, while roles within theirs are theirs to make
    var auditor = org.post("/v1/organizations/" + orgId + "/roles", owner.token(), role("auditor", "app_audit_list"));
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId + "/roles/"
        + auditor.bodyAsJsonObject().getString("id"), keeper.token(), new JsonObject().put("permissions",
        new JsonArray().add("app_organization_get"))), 403, "permission_not_held");
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", keeper.token(),
        role("reader", "app_organization_get")).statusCode());
  }

  /**
   * Deleting a role narrows it all the way: a role manager deletes no role carrying a permission they lack, assigned
   * to no one though it is (they did), and deletes one within theirs.
   */
  @Test
  void aRoleManagerDeletesNoRoleHoldingMoreThanTheyDo() {
    var keeper = keeperWith("role-keeper", "app_organization_rolemanage");
    var roles = "/v1/organizations/" + orgId + "/roles";
    var auditor = roles + "/" + org.post(roles, owner.token(), role("auditor", "app_audit_list")).bodyAsJsonObject()
        .getString("id");

    assertProblem(org.send(HttpMethod.DELETE, auditor, keeper.token(), null), 403, "permission_not_held");
    assertEquals(200, org.get(auditor, owner.token()).statusCode(), "the role is still there");
    var reader = roles + "/" + org.post(roles, keeper.token(), role("reader", "app_organization_get"))
        .bodyAsJsonObject().getString("id");
    assertEquals(204, org.send(HttpMethod.DELETE, reader, keeper.token(), null).statusCode());
  }

  /**
   * Narrowing a role demotes everyone holding it, so a role manager narrows no role held by a member, a service user or
   * a pending invitation that holds more than they do (by change, import or batch), as setting those roles would be
   * refused; they narrow one whose holders are within theirs, and rename one held above them (a rename demotes no one).
   */
  @Test
  void aRoleManagerNarrowsNoRoleHeldBySomeoneAboveThem() {
    var roles = "/v1/organizations/" + orgId + "/roles";
    assertEquals(201, org.post(roles, owner.token(), role("role-keeper", "app_organization_get",
        "app_organization_userlist", "app_organization_rolemanage")).statusCode());
    var keeper = org.newUser("keeper");
    join(keeper, "role-keeper");
    assertEquals(201, org.post(roles, owner.token(), role("auditor", "app_audit_list")).statusCode());
    var byMember = sharedRole("by-member");
    var byServiceUser = sharedRole("by-bot");
    var byInvitation = sharedRole("by-invitee");
    var within = sharedRole("within");
    org.addMembers(orgId, List.of(org.newUser("above").id()), "by-member", "auditor");
    org.addMembers(orgId, List.of(org.newUser("peer").id()), "within");
    // an owner holds every permission through the owner role: narrowing another role they hold takes nothing
    org.addMembers(orgId, List.of(org.newUser("co-owner").id()), "owner", "within");
    var bot = org.post("/v1/organizations/" + orgId + "/service-users", owner.token(), new JsonObject()
        .put("name", "bot").put("roles", new JsonArray().add("by-bot").add("auditor")));
    assertEquals(201, bot.statusCode(), bot.bodyAsString());
    var invitation = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", "invitee-" + UUID.randomUUID() + "@example.com")
        .put("roles", new JsonArray().add("by-invitee").add("auditor")));
    assertEquals(201, invitation.statusCode(), invitation.bodyAsString());

    var narrowing = new JsonObject().put("permissions", new JsonArray().add("app_organization_get"));
    for (var role : List.of(byMember, byServiceUser, byInvitation)) {
      assertProblem(org.send(HttpMethod.PATCH, role, keeper.token(), narrowing), 403, "permission_not_held");
    }
    var byMemberId = byMember.substring(byMember.lastIndexOf('/') + 1);
    assertProblem(org.send(HttpMethod.PUT, byMember, keeper.token(), role("by-member", "app_organization_get")), 403,
        "permission_not_held");
    assertProblem(org.post(roles + ":batch", keeper.token(), importing(role("by-member", "app_organization_get")
        .put("id", byMemberId))), 403, "permission_not_held");
    assertEquals(List.of("app_organization_get", "app_organization_userlist"),
        org.get(byMember, owner.token()).bodyAsJsonObject().getJsonArray("permissions").getList());

    assertEquals(200, org.send(HttpMethod.PATCH, byMember, keeper.token(), new JsonObject().put("name", "renamed"))
        .statusCode());
    var narrowed = org.send(HttpMethod.PATCH, within, keeper.token(), narrowing);
    assertEquals(200, narrowed.statusCode(), narrowed.bodyAsString());
  }

  /** A role of the organization the owner made, reading it and listing its members; its path. */
  private String sharedRole(String name) {
    var created = org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        role(name, "app_organization_get", "app_organization_userlist"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return "/v1/organizations/" + orgId + "/roles/" + created.bodyAsJsonObject().getString("id");
  }

  @Test
  void ownersOnlyPermissionsAreInNoCustomRole() {
    for (var permission : PermissionCatalog.OWNERS_ONLY) {
      assertProblem(org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
          role("not-" + permission.replace('_', '-'), "app_organization_get", permission)), 400, "validation_failed");
    }
  }

  @Test
  void aServiceUserGetsNoMoreThanItsMaker() {
    var created = org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        role("reader-maker", "app_organization_get", "app_organization_usermanage"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var maker = org.newUser("maker");
    join(maker, "reader-maker");
    assertProblem(org.post("/v1/organizations/" + orgId + "/service-users", maker.token(),
        new JsonObject().put("name", "bot").put("roles", new JsonArray().add("manager"))), 403, "permission_not_held");
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", owner.token(),
        role("getter", "app_organization_get")).statusCode());
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/service-users", maker.token(),
        new JsonObject().put("name", "bot").put("roles", new JsonArray().add("getter"))).statusCode());
  }

  @Test
  void aServiceUserAboveTheCallerGetsNoCredentialFromThemAndLosesNoneToThem() {
    var keeper = keeperWith("bot-keeper", "app_organization_usermanage");
    var bots = "/v1/organizations/" + orgId + "/service-users/";
    var managerBot = bots + org.post(bots, owner.token(), new JsonObject().put("name", "manager-bot")
        .put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    var credential = managerBot + "/credentials/" + org.post(managerBot + "/credentials", owner.token(), null)
        .bodyAsJsonObject().getString("clientId");

    assertProblem(org.post(managerBot + "/credentials", keeper.token(), null), 403, "permission_not_held");
    assertProblem(org.send(HttpMethod.DELETE, credential, keeper.token(), null), 403, "permission_not_held");
    assertProblem(org.send(HttpMethod.DELETE, managerBot, keeper.token(), null), 403, "permission_not_held");

    assertEquals(200, org.get(managerBot, owner.token()).statusCode(), "the service user stays");
    assertEquals(204, org.send(HttpMethod.DELETE, credential, owner.token(), null).statusCode(), "and its credential");
    var keptBot = bots + org.post(bots, keeper.token(), new JsonObject().put("name", "kept-bot")
        .put("roles", new JsonArray().add("bot-keeper"))).bodyAsJsonObject().getString("id");
    assertEquals(201, org.post(keptBot + "/credentials", keeper.token(), null).statusCode(),
        "within their own permissions a keeper keeps service users");
    assertEquals(204, org.send(HttpMethod.DELETE, keptBot, keeper.token(), null).statusCode());
  }
}
