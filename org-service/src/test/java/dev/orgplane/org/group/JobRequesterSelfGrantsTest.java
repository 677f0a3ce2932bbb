package dev.orgplane.org.group;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.provisioner.JobRequester;
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

/**
 * The engine's writes of members for a job ({@value JobRequester#HEADER} naming its requester) give the requester no
 * more than they could give themself: a group admin's own row is left out of an import into an organization of their
 * group they do not own (the others are imported, the answer names them {@code withheld}), and their roles there are
 * not changed (403 {@code self_grant_refused}). Until session 41 a group admin's template rolled out into a tenant
 * made them its owner for good, and so did an owner invitation of their own address into a tenant their job adopted:
 * refused when made, and since session 42 at acceptance too, where the address is theirs only since. An owner or a
 * platform admin is imported as before; from anyone but the engine the header is ignored.
 */
class JobRequesterSelfGrantsTest extends GroupsTest {

  private static final JsonArray AS_OWNER = new JsonArray().add("owner");

  private String groupId;
  private OrgServiceHarness.Account owner;
  private OrgServiceHarness.Account admin;
  private String tenant;

  @BeforeEach
  void tenantOfAGroupAdminsGroup() {
    var group = calls.newGroup();
    groupId = group.getString("id");
    owner = org.newUser("tenant-owner");
    tenant = createOrgInGroup(owner.token(), group.getString("createKey"));
    admin = org.newVerifiedUser("requesting-admin");
    calls.appoint(groupId, admin.id());
  }

  private String createOrgInGroup(String token, String key) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    if (key != null) {
      headers.add("X-Create-Key", key);
    }
    var created = org.send(HttpMethod.POST, "/v1/organizations", token, new JsonObject()
        .put("name", "rq-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "t").put("groupId", groupId),
        headers);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static JsonObject item(String userId, JsonArray roles) {
    return new JsonObject().put("id", userId).put("roles", roles);
  }

  private HttpResponse<Buffer> importFor(String token, String requester, String orgId, JsonObject... items) {
    return org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/users:batch", token,
        new JsonObject().put("items", new JsonArray(List.of((Object[]) items))),
        MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER, requester));
  }

  private static JsonObject answered(HttpResponse<Buffer> response, long created, long updated, long unchanged,
      String... withheld) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    var answer = response.bodyAsJsonObject();
    assertEquals(List.of(created, updated, unchanged, List.of(withheld)), List.of(answer.getLong("created"),
        answer.getLong("updated"), answer.getLong("unchanged"), answer.getJsonArray("withheld").getList()),
        answer.encode());
    return answer;
  }

  private List<String> rolesIn(String orgId, String userId) {
    var member = org.get("/v1/organizations/" + orgId + "/users/" + userId, platformAdmin);
    assertEquals(200, member.statusCode(), member.bodyAsString());
    return member.bodyAsJsonObject().getJsonArray("roles").getList();
  }

  @Test
  void theEngineMakesARequestingGroupAdminNoMemberOfATenantTheyDoNotOwn() {
    var colleague = org.newUser("colleague");
    var engine = org.engineToken();

    answered(importFor(engine, admin.id(), tenant, item(admin.id(), AS_OWNER),
        item(colleague.id(), new JsonArray().add("viewer"))), 1, 0, 0, admin.id());

    assertEquals(List.of("viewer"), rolesIn(tenant, colleague.id()), "the other members are imported");
    assertProblem(org.get("/v1/organizations/" + tenant + "/users/" + admin.id(), platformAdmin), 404,
        "member_not_found");

    // a member already (a platform admin added them), their roles stay theirs: neither imported nor changed
    assertEquals(200, org.post("/v1/organizations/" + tenant + "/users", platformAdmin, new JsonObject()
        .put("userIds", new JsonArray().add(admin.id())).put("roles", new JsonArray().add("viewer"))).statusCode());
    answered(importFor(engine, admin.id(), tenant, item(admin.id(), AS_OWNER)), 0, 0, 0, admin.id());
    assertProblem(org.send(HttpMethod.PUT, "/v1/organizations/" + tenant + "/users/" + admin.id() + "/roles", engine,
        new JsonObject().put("roles", AS_OWNER), MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER,
            admin.id())), 403, "self_grant_refused");
    assertEquals(List.of("viewer"), rolesIn(tenant, admin.id()));
  }

  /**
   * The owner a job names is invited into a tenant it adopts: the requester's own address is refused there, as their
   * own invitation accepted would be, and any other address is invited as before.
   */
  @Test
  void theEngineInvitesNoRequesterIntoATenantTheyDoNotOwn() {
    var invitations = "/v1/organizations/" + tenant + "/invitations";
    var requested = MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER, admin.id());
    var engine = org.engineToken();

    assertProblem(org.send(HttpMethod.POST, invitations, engine, new JsonObject()
        .put("email", admin.email().toUpperCase(java.util.Locale.ROOT)).put("roles", AS_OWNER), requested), 403,
        "self_grant_refused");
    var someoneElse = org.send(HttpMethod.POST, invitations, engine, new JsonObject()
        .put("email", "ceo-" + UUID.randomUUID() + "@customer.example").put("roles", AS_OWNER), requested);
    assertEquals(201, someoneElse.statusCode(), someoneElse.bodyAsString());
    var own = createOrgInGroup(admin.token(), null);
    var intoTheirOwn = org.send(HttpMethod.POST, "/v1/organizations/" + own + "/invitations", engine,
        new JsonObject().put("email", admin.email()).put("roles", AS_OWNER), requested);
    assertProblem(intoTheirOwn, 409, "already_member");
  }

  /** The engine's owner invitation of {@code email} into the tenant, for a job of {@code requester}: its id. */
  private String engineInvites(String requester, String email) {
    var invited = org.send(HttpMethod.POST, "/v1/organizations/" + tenant + "/invitations", org.engineToken(),
        new JsonObject().put("email", email).put("roles", AS_OWNER),
        MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER, requester));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("id");
  }

  /** Moves {@code account} to {@code email}, verified: what confirming the change mailed there does. */
  private void moveTo(OrgServiceHarness.Account account, String email) {
    PgFixture.execute(org.db(), "UPDATE org.users SET email = '" + email + "', email_verified_at = now() "
        + "WHERE id = '" + account.id() + "'");
  }

  private HttpResponse<Buffer> accept(String invitation, OrgServiceHarness.Account account) {
    return org.post("/v1/invitations/" + invitation + "/accept", account.token(), null);
  }

  private static String unusedAddress(String label) {
    return label + "-" + UUID.randomUUID() + "@admins-mailbox.example";
  }

  /**
   * An address no account used when the job invited it is found to be the requester's only when they accept: by
   * then their account may have moved to it. They are refused there as when it is made (until session 42 they became
   * the tenant's owner), and the invitation stays, for whoever holds the address next.
   */
  @Test
  void aRequesterWhoMovedToTheInvitedAddressIsRefusedItsAcceptance() {
    var address = unusedAddress("ceo");
    var invitation = engineInvites(admin.id(), address);
    moveTo(admin, address);

    assertProblem(accept(invitation, admin), 403, "self_grant_refused");
    assertProblem(org.get("/v1/organizations/" + tenant + "/users/" + admin.id(), platformAdmin), 404,
        "member_not_found");

    moveTo(admin, unusedAddress("requesting-admin"));
    var successor = org.newUser("successor");
    moveTo(successor, address);
    var accepted = accept(invitation, successor);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(List.of("owner"), rolesIn(tenant, successor.id()));
  }

  /**
   * The requester is the job's, not the address's: an invitation of the address made anew by someone else (here a
   * platform admin, who may add the requester anyway) names no requester, and they accept it.
   */
  @Test
  void anInvitationMadeAnewByAnotherForgetsTheJobsRequester() {
    var address = unusedAddress("ceo");
    var invitation = engineInvites(admin.id(), address);
    moveTo(admin, address);
    var again = org.post("/v1/organizations/" + tenant + "/invitations", platformAdmin,
        new JsonObject().put("email", address).put("roles", AS_OWNER));
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(invitation, again.bodyAsJsonObject().getString("id"), "the same invitation, made anew");

    var accepted = accept(invitation, admin);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(List.of("owner"), rolesIn(tenant, admin.id()));
  }

  @Test
  void aPlatformAdminRequesterAcceptsTheInvitationOfAnAddressTheyMovedTo() {
    var requester = org.newUser("platform-admin");
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = true WHERE id = '" + requester.id() + "'");
    var address = unusedAddress("ceo");
    var invitation = engineInvites(requester.id(), address);
    moveTo(requester, address);

    var accepted = accept(invitation, requester);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(List.of("owner"), rolesIn(tenant, requester.id()));
  }

  @Test
  void theEngineStillImportsARequesterWhoOwnsTheOrganizationOrIsAPlatformAdmin() {
    var colleague = org.newUser("colleague");
    var engine = org.engineToken();
    var own = createOrgInGroup(admin.token(), null);

    answered(importFor(engine, admin.id(), own, item(admin.id(), AS_OWNER),
        item(colleague.id(), new JsonArray().add("viewer"))), 1, 0, 1);
    assertEquals(List.of("owner"), rolesIn(own, admin.id()));

    // a platform admin of no organization yet, whom the engine's reach takes
    var platformAdminId = org.newUser("platform-admin").id();
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = true WHERE id = '" + platformAdminId + "'");
    answered(importFor(engine, platformAdminId, tenant, item(platformAdminId, new JsonArray().add("viewer"))),
        1, 0, 0);
    assertEquals(List.of("viewer"), rolesIn(tenant, platformAdminId));
  }

  private HttpResponse<Buffer> teamsFor(String requester, JsonObject... teams) {
    return org.send(HttpMethod.POST, "/v1/organizations/" + tenant + "/groups:batch", org.engineToken(),
        new JsonObject().put("items", new JsonArray(List.of((Object[]) teams))),
        MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER, requester));
  }

  private static JsonObject team(String teamId, String... userIds) {
    return new JsonObject().put("id", teamId).put("name", "support").put("userIds", new JsonArray(List.of(userIds)));
  }

  private List<String> membersOf(String teamId) {
    var team = org.get("/v1/organizations/" + tenant + "/groups?include=userIds", platformAdmin);
    assertEquals(200, team.statusCode(), team.bodyAsString());
    return team.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(listed -> listed.getString("id").equals(teamId)).findFirst().orElseThrow()
        .getJsonArray("userIds").getList();
  }

  /**
   * A copy of teams for the job leaves the requester's place in them as it is: the engine made them no member, so an
   * older engine naming them in a team was refused 422 {@code not_a_member} and the job failed (until session 42); a
   * member all the same (a platform admin added them), they stay where they are, named or not.
   */
  @Test
  void theEnginesTeamImportLeavesAWithheldRequesterWhereTheyAre() {
    var colleague = org.newUser("colleague");
    assertEquals(200, org.post("/v1/organizations/" + tenant + "/users", platformAdmin, new JsonObject()
        .put("userIds", new JsonArray().add(colleague.id())).put("roles", new JsonArray().add("viewer"))).statusCode());
    var teamId = UUID.randomUUID().toString();

    var created = teamsFor(admin.id(), team(teamId, admin.id(), colleague.id()));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    assertEquals(1, created.bodyAsJsonObject().getInteger("created"), created.bodyAsString());
    assertEquals(List.of(colleague.id()), membersOf(teamId), "the requester is skipped, not refused");

    assertEquals(200, org.post("/v1/organizations/" + tenant + "/users", platformAdmin, new JsonObject()
        .put("userIds", new JsonArray().add(admin.id())).put("roles", new JsonArray().add("viewer"))).statusCode());
    var named = teamsFor(admin.id(), team(teamId, admin.id(), colleague.id()));
    assertEquals(1, named.bodyAsJsonObject().getInteger("unchanged"), "a member now, still not put in the team: "
        + named.bodyAsString());
    assertEquals(200, org.post("/v1/organizations/" + tenant + "/groups/" + teamId + "/users", platformAdmin,
        new JsonObject().put("userIds", new JsonArray().add(admin.id()))).statusCode());
    var unnamed = teamsFor(admin.id(), team(teamId, colleague.id()));
    assertEquals(1, unnamed.bodyAsJsonObject().getInteger("unchanged"), unnamed.bodyAsString());
    assertEquals(List.of(admin.id(), colleague.id()).stream().sorted().toList(),
        membersOf(teamId).stream().sorted().toList(), "nor taken out of it");
  }

  /**
   * A requester id the engine sends that is no id is refused: read as none, it lifted every rule held to the requester
   * (until session 42). From anyone else the header is ignored, whatever it holds.
   */
  @Test
  void aMalformedRequesterFromTheEngineIsRefused() {
    assertProblem(importFor(org.engineToken(), "not-a-user", tenant, item(admin.id(), AS_OWNER)), 400,
        "invalid_requester");
    assertProblem(org.get("/v1/organizations/" + tenant + "/users/" + admin.id(), platformAdmin), 404,
        "member_not_found");
    answered(importFor(platformAdmin, "not-a-user", tenant, item(admin.id(), new JsonArray().add("viewer"))),
        1, 0, 0);
  }

  @Test
  void theRequesterHeaderIsTheEnginesAlone() {
    answered(importFor(platformAdmin, admin.id(), tenant, item(admin.id(), new JsonArray().add("viewer"))), 1, 0, 0);
    assertEquals(List.of("viewer"), rolesIn(tenant, admin.id()), "a platform admin adds the admin, header or not");
  }
}
