package dev.orgplane.org.setup;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Setup writes decide with the organization's row held FOR KEY SHARE: one that comes while a disable, a change of the
 * caller's roles or the organization's deletion holds the row waits for it and decides on what it wrote. Until
 * session 35 they decided unlocked, and went through after it.
 */
class SetupWriteRaceTest extends OrgServiceTest {

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "race-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  @Test
  void aWorkspaceCreatedWhileTheOrganizationIsDisabledIsRefused() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    try (var disabling = UncommittedTransaction.begin(org.db())) {
      // what POST .../disable does: the organization's row held, then its state changed
      disabling.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", orgId);
      disabling.run("UPDATE org.organizations SET state = 'disabled', disabled_by = 'platform', disabled_at = now(), "
          + "version = version + 1 WHERE id = ?::uuid", orgId);
      assertProblem(disabling.commitOnceWaitedFor(() -> org.post("/v1/organizations/" + orgId + "/workspaces",
          owner.token(), new JsonObject().put("name", "after-suspension"))), 403, "organization_disabled");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.workspaces WHERE org_id = '" + orgId + "'"));
  }

  @Test
  void aPatchByAMemberDemotedMeanwhileIsRefused() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var manager = org.newUser("manager");
    org.addMembers(orgId, List.of(manager.id()), "manager");
    var ws = org.post("/v1/organizations/" + orgId + "/workspaces", owner.token(), new JsonObject().put("name", "w"))
        .bodyAsJsonObject().getString("id");
    try (var demoting = UncommittedTransaction.begin(org.db())) {
      // what a change of roles does: the organization's row held, then the membership changed
      demoting.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", orgId);
      demoting.run("UPDATE org.memberships SET roles = '{viewer}' WHERE org_id = ?::uuid AND user_id = ?::uuid", orgId,
          manager.id());
      assertProblem(demoting.commitOnceWaitedFor(() -> org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId
          + "/workspaces/" + ws, manager.token(), new JsonObject().put("name", "renamed"))), 403, "forbidden");
    }
    assertEquals("w", org.get("/v1/organizations/" + orgId + "/workspaces/" + ws, owner.token()).bodyAsJsonObject()
        .getString("name"));
  }

  /** The organization's deletion waits for no setup write under way, and one that comes after it finds nothing. */
  @Test
  void aSetupDeleteDuringTheOrganizationsDeletionLeavesNoEventBehind() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var created = org.createOrg(owner.token(), "race-" + UUID.randomUUID().toString().substring(0, 8));
    var orgId = created.getString("id");
    var ws = org.post("/v1/organizations/" + orgId + "/workspaces", owner.token(), new JsonObject().put("name", "w"))
        .bodyAsJsonObject().getString("id");
    try (var holder = UncommittedTransaction.begin(org.db())) {
      // anything holding the organization's own group row for a moment keeps the deletion under way
      holder.run("SELECT 1 FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", created.getString("groupId"));
      var deletion = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId,
          owner.token(), null), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 1);
      var wsDelete = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId
          + "/workspaces/" + ws, owner.token(), null), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 2);
      holder.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
      assertProblem(wsDelete.get(10, TimeUnit.SECONDS), 404, "organization_not_found");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE org_id = '" + orgId
        + "'"));
  }

  /**
   * A group admin's copy of hooks with their secrets out of a template of their group, waiting for the group's row
   * (held here), and the group admin's change of the template: both are made, one after the other. Until session 39
   * the copy took the target's row, the group's, then the template's, and the change the template's, then the group's:
   * one of the two failed 409 concurrent_update. The copy now takes both organizations' rows first, in id order.
   */
  @Test
  void aGroupAdminsCopyWithSecretsAndTheirChangeOfTheTemplateAreBothMade() throws Exception {
    var admin = org.platformAdminToken();
    var groupAdmin = org.newVerifiedUser("groupadmin");
    var groupId = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "race " + UUID.randomUUID()))
        .bodyAsJsonObject().getString("id");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + groupAdmin.id(),
        admin, null).statusCode());
    var target = org.createOrg(groupAdmin.token(), "race-" + UUID.randomUUID().toString().substring(0, 8), groupId)
        .getString("id");
    var template = org.createOrg(groupAdmin.token(), "race-" + UUID.randomUUID().toString().substring(0, 8), groupId)
        .getString("id");
    // the group admin is no member of either, as a group admin usually is: their rights come from the group
    PgFixture.execute(org.db(), "DELETE FROM org.memberships WHERE user_id = '" + groupAdmin.id() + "'");
    try (var holder = UncommittedTransaction.begin(org.db())) {
      holder.run("SELECT 1 FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", groupId);
      var copy = CompletableFuture.supplyAsync(() -> org.post("/v1/organizations/" + target + "/hooks:copy",
          groupAdmin.token(), new JsonObject().put("from", template).put("copySecrets", true)),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 1);
      var change = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.PATCH, "/v1/organizations/" + template,
          groupAdmin.token(), new JsonObject().put("title", "Template")), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 2);
      holder.commit();
      var copied = copy.get(20, TimeUnit.SECONDS);
      assertEquals(200, copied.statusCode(), copied.bodyAsString());
      var changed = change.get(20, TimeUnit.SECONDS);
      assertEquals(200, changed.statusCode(), changed.bodyAsString());
    }
  }

  /**
   * A page carrying secrets out of its source records that in the source's trail, so it holds the source's row too:
   * a deletion of the source under way is waited for, and the page then finds no source. Until session 35 it read the
   * source as it was before and recorded {@code hook.secrets_copied} in the trail of an organization deleted.
   */
  @Test
  void secretsCarriedOutOfASourceBeingDeletedLeaveNoEventThere() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var source = newOrg(owner);
    var target = newOrg(owner);
    assertEquals(201, org.post("/v1/organizations/" + source + "/hooks", owner.token(), new JsonObject()
        .put("name", "h").put("url", "https://hooks.example.com/h").put("secret", "template-secret-1234567890")
        .put("events", new JsonArray().add("queue.created"))).statusCode());
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      // what an organization's deletion does: its row held, then it and its trail deleted
      deleting.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", source);
      deleting.run("DELETE FROM org.organizations WHERE id = ?::uuid", source);
      deleting.run("DELETE FROM org.audit_events WHERE org_id = ?::uuid", source);
      assertProblem(deleting.commitOnceWaitedFor(() -> org.post("/v1/organizations/" + target + "/hooks:copy",
          owner.token(), new JsonObject().put("from", source).put("copySecrets", true))), 404, "organization_not_found");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE org_id = '" + source
        + "'"));
  }
}
