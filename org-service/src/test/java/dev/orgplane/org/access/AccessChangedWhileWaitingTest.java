package dev.orgplane.org.access;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A change decides on the caller's rights as they are once it holds the organization's row: a member removed or
 * demoted, or a group admin revoked, by a transaction that held the row (or the group's) while the request waited for
 * it acts with the rights left to them, not those the request's first statement saw. The rival commits once the
 * request waits for it.
 */
class AccessChangedWhileWaitingTest extends OrgServiceTest {

  private static final String HOLD_ORGANIZATION = "SELECT FROM org.organizations WHERE id = ?::uuid FOR UPDATE";
  private static final String DEMOTE =
      "UPDATE org.memberships SET roles = '{member}' WHERE org_id = ?::uuid AND user_id = ?::uuid";
  private static final String REMOVE = "DELETE FROM org.memberships WHERE org_id = ?::uuid AND user_id = ?::uuid";

  private String newOrg(String ownerToken) {
    return org.createOrg(ownerToken, "w-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  /** A new organization in {@code group}, made with its create key. */
  private String newOrgIn(JsonObject group, String ownerToken) {
    var created = org.send(HttpMethod.POST, "/v1/organizations", ownerToken, new JsonObject()
            .put("name", "w-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "t")
            .put("groupId", group.getString("id")),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /** An organization with a manager and a member besides its owner. */
  private Staff newStaff() {
    var orgId = newOrg(org.newUser("owner").token());
    var staff = new Staff(orgId, org.newUser("manager"), org.newUser("member"));
    org.addMembers(orgId, List.of(staff.manager().id()), "manager");
    org.addMembers(orgId, List.of(staff.member().id()), "member");
    return staff;
  }

  private record Staff(String orgId, OrgServiceHarness.Account manager, OrgServiceHarness.Account member) {
  }

  /** Whether the staff's member holds the member role still, and no other. */
  private boolean memberKeptTheirRole(Staff staff) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.memberships WHERE org_id = '" + staff.orgId()
        + "' AND user_id = '" + staff.member().id() + "' AND roles = '{member}'") == 1;
  }

  private long organizations(String orgId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.organizations WHERE id = '" + orgId + "'");
  }

  @Test
  void aManagerRemovedMeanwhileChangesNoRoles() throws Exception {
    var staff = newStaff();
    try (var removal = UncommittedTransaction.begin(org.db())) {
      removal.run(HOLD_ORGANIZATION, staff.orgId());
      removal.run(REMOVE, staff.orgId(), staff.manager().id());
      assertProblem(removal.commitOnceWaitedFor(() -> org.send(HttpMethod.PUT,
          "/v1/organizations/" + staff.orgId() + "/users/" + staff.member().id() + "/roles", staff.manager().token(),
          new JsonObject().put("roles", new JsonArray().add("manager")))), 404, "organization_not_found");
    }
    assertTrue(memberKeptTheirRole(staff));
  }

  @Test
  void anOwnerDemotedMeanwhileDeletesNothing() throws Exception {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner.token());
    assertProblem(whileDemoted(orgId, owner.id(), () -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId,
        owner.token(), null)), 403, "forbidden");
    assertEquals(1, organizations(orgId));
  }

  @Test
  void anOwnerDemotedMeanwhileDisablesNothing() throws Exception {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner.token());
    assertProblem(whileDemoted(orgId, owner.id(), () -> org.send(HttpMethod.POST, "/v1/organizations/" + orgId
        + "/disable", owner.token(), null)), 403, "forbidden");
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.organizations WHERE id = '" + orgId
        + "' AND state = 'disabled'"));
  }

  /**
   * Sends {@code request} while another transaction demotes {@code userId} to a member of {@code orgId}, holding its
   * row as a demotion does, and commits once the request waits for it.
   */
  private HttpResponse<Buffer> whileDemoted(String orgId, String userId, Supplier<HttpResponse<Buffer>> request)
      throws Exception {
    try (var demotion = UncommittedTransaction.begin(org.db())) {
      demotion.run(HOLD_ORGANIZATION, orgId);
      demotion.run(DEMOTE, orgId, userId);
      return demotion.commitOnceWaitedFor(request);
    }
  }

  @Test
  void aManagerDemotedMeanwhileMakesNoTeam() throws Exception {
    var owner = org.newUser("owner");
    var manager = org.newUser("manager");
    var orgId = newOrg(owner.token());
    org.addMembers(orgId, List.of(manager.id()), "manager");
    assertProblem(whileDemoted(orgId, manager.id(), () -> org.post("/v1/organizations/" + orgId + "/groups",
        manager.token(), new JsonObject().put("name", "late-team"))), 403, "forbidden");
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.teams WHERE org_id = '" + orgId + "'"));
  }

  /** An import of members decides on the caller's rights once it holds the row, not only on whom it replaces. */
  @Test
  void aManagerDemotedMeanwhileImportsNoRoles() throws Exception {
    var staff = newStaff();
    assertProblem(whileDemoted(staff.orgId(), staff.manager().id(), () -> org.post("/v1/organizations/"
        + staff.orgId() + "/users:batch", staff.manager().token(), new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", staff.member().id()).put("roles", new JsonArray().add("manager")))))),
        403, "forbidden");
    assertTrue(memberKeptTheirRole(staff));
  }

  /** The one added is a member of another organization of the group, whom a manager may add. */
  @Test
  void aManagerRemovedMeanwhileAddsNoOne() throws Exception {
    var platformAdmin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", platformAdmin,
        new JsonObject().put("name", "g-" + UUID.randomUUID())).bodyAsJsonObject();
    var orgId = newOrgIn(group, org.newUser("owner").token());
    var other = org.newUser("other");
    newOrgIn(group, other.token());
    var manager = org.newUser("manager");
    org.addMembers(orgId, List.of(manager.id()), "manager");
    try (var removal = UncommittedTransaction.begin(org.db())) {
      removal.run(HOLD_ORGANIZATION, orgId);
      removal.run(REMOVE, orgId, manager.id());
      assertProblem(removal.commitOnceWaitedFor(() -> org.post("/v1/organizations/" + orgId + "/users",
          manager.token(), new JsonObject().put("userIds", new JsonArray().add(other.id())))), 404,
          "organization_not_found");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.memberships WHERE org_id = '" + orgId
        + "' AND user_id = '" + other.id() + "'"));
  }

  /** Only those who may be in an organization take its row: an outsider is answered while a change holds it. */
  @Test
  void anOutsiderIsAnsweredWithoutWaitingForTheRow() throws Exception {
    var orgId = newOrg(org.newUser("owner").token());
    var outsider = org.newUser("outsider");
    try (var change = UncommittedTransaction.begin(org.db())) {
      change.run(HOLD_ORGANIZATION, orgId);
      var answer = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId,
          outsider.token(), null), task -> new Thread(task).start());
      assertProblem(answer.get(5, TimeUnit.SECONDS), 404, "organization_not_found");
    }
    assertEquals(1, organizations(orgId));
  }

  /** A revocation holds the group's row, not the organization's: a group admin's change waits for that one. */
  @Test
  void aGroupAdminRevokedMeanwhileDeletesNoOrganizationOfTheGroup() throws Exception {
    var platformAdmin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", platformAdmin,
        new JsonObject().put("name", "g-" + UUID.randomUUID())).bodyAsJsonObject();
    var gid = group.getString("id");
    var orgId = newOrgIn(group, org.newUser("owner").token());
    var groupAdmin = org.newVerifiedUser("group-admin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + gid + "/admins/" + groupAdmin.id(),
        platformAdmin, null).statusCode());
    try (var revocation = UncommittedTransaction.begin(org.db())) {
      revocation.run("SELECT FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", gid);
      revocation.run("DELETE FROM org.group_admins WHERE group_id = ?::uuid AND user_id = ?::uuid", gid,
          groupAdmin.id());
      assertProblem(revocation.commitOnceWaitedFor(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId,
          groupAdmin.token(), null)), 404, "organization_not_found");
    }
    assertEquals(1, organizations(orgId));
  }
}
