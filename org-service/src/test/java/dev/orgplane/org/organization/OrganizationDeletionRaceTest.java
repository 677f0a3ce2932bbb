package dev.orgplane.org.organization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An organization's deletion takes its whole audit trail, what a write committing while it is under way records
 * included. Until session 35 the trail went before the organization's row, and an event recorded between (an
 * invitee's decline, which holds none of the organization's locks) stayed for ever with the deleted organization's id.
 */
class OrganizationDeletionRaceTest extends OrgServiceTest {

  @Test
  void aDeclineCommittingDuringTheDeletionLeavesNoEventBehind() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var created = org.createOrg(owner.token(), "race-" + UUID.randomUUID().toString().substring(0, 8));
    var orgId = created.getString("id");
    var invitee = org.newVerifiedUser("invitee");
    var invited = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        new JsonObject().put("email", invitee.email()));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    try (var holder = UncommittedTransaction.begin(org.db())) {
      // anything holding the organization's own group row for a moment keeps the deletion under way
      holder.run("SELECT 1 FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", created.getString("groupId"));
      var deletion = CompletableFuture.supplyAsync(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId,
          owner.token(), null), task -> new Thread(task).start());
      PgFixture.awaitLockWaits(org.db(), 1);
      assertEquals(204, org.post("/v1/invitations/" + invited.bodyAsJsonObject().getString("id") + "/decline",
          invitee.token(), null).statusCode());
      holder.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE org_id = '" + orgId
        + "'"));
  }
}
