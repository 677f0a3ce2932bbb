package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new tenant's named owner is invited into it, with the owner role, once the template is copied, or made owner if
 * they are a member already: once, however often the job or the batch runs again or resumes, and never by a dry run.
 * The requester stays an owner.
 */
class OwnerInvitationTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject(), "owned-template");
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject owned(String name, String email) {
    return new JsonObject().put("name", name).put("owner", new JsonObject().put("email", email));
  }

  private static JsonObject job(JsonObject target) {
    return new JsonObject().put("templateOrganization", template.templateId()).put("target", target);
  }

  private static JsonObject batch(JsonObject... targets) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("targets", new JsonArray(List.of((Object[]) targets)));
  }

  private static JsonArray pendingInvitations(String organization) {
    return engine.items("/v1/organizations/" + organization + "/invitations", token());
  }

  private static int invitationsMade(String organization) {
    return engine.org.audited(token(), organization, "invitation.created").size();
  }

  private static String organization(String name) {
    return engine.org.get("/v1/organizations/" + name, token()).bodyAsJsonObject().getString("id");
  }

  @Test
  void theOwnerIsInvitedOnceAcrossAReRunAndAResumeAndTheRequesterStaysOwner() {
    var name = unique("owned");
    var email = unique("ceo") + "@customer.example";

    var first = engine.provision(token(), job(owned(name, email).put("title", "Owned")));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    assertEquals(new JsonObject().put("email", email).put("invitation", "invited"), first.getJsonObject("owner"));
    assertFalse(first.getJsonObject("target").containsKey("owner"), "the organization's fields are the target");
    var tenant = first.getString("targetOrganization");
    var pending = pendingInvitations(tenant);
    assertEquals(1, pending.size(), pending.encode());
    assertEquals(email, pending.getJsonObject(0).getString("email"));
    assertEquals(new JsonArray().add("owner"), pending.getJsonObject(0).getJsonArray("roles"));
    var members = engine.items("/v1/organizations/" + tenant + "/users", token()).stream().map(JsonObject.class::cast)
        .filter(member -> member.getString("userId").equals(template.groupAdmin().id())).toList();
    assertEquals(new JsonArray().add("owner"), members.get(0).getJsonArray("roles"),
        "the requester owns the tenant until the invitee has accepted");

    var again = engine.provision(token(), job(owned(name, email.toUpperCase(Locale.ROOT))));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals(tenant, again.getString("targetOrganization"));
    assertEquals("already_invited", again.getJsonObject("owner").getString("invitation"));

    // the first job's engine died after inviting, before it recorded its end: another run takes the job over
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'running', finished_at = NULL, "
        + "owner_invitation = NULL, lease_owner = 'engine-gone', lease_until = now() - interval '1 second' "
        + "WHERE id = '" + first.getString("id") + "'");
    var resumed = engine.awaitEnd("/v1/provisioning/jobs/" + first.getString("id"), token());
    assertEquals("succeeded", resumed.getString("status"), resumed.encodePrettily());
    assertEquals(2, resumed.getInteger("attempts"));
    assertEquals("already_invited", resumed.getJsonObject("owner").getString("invitation"));

    assertEquals(1, invitationsMade(tenant), "one invitation, mailed once");
  }

  @Test
  void anInvitationOrgServiceRefusesFailsTheJobAndARetryInvitesAtItsEnd() {
    var made = engine.provision(token(), job(new JsonObject().put("name", unique("refused"))));
    var path = "/v1/provisioning/jobs/" + made.getString("id");
    var email = unique("ceo") + "@customer.example";
    // as if the run had got as far as inviting an address org-service will not take
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'running', finished_at = NULL, "
        + "owner_email = 'not an address', lease_owner = 'engine-gone', lease_until = now() - interval '1 second' "
        + "WHERE id = '" + made.getString("id") + "'");

    var failed = engine.awaitEnd(path, token());
    assertEquals("failed", failed.getString("status"), failed.encodePrettily());
    assertEquals("owner_not_invited", failed.getJsonObject("error").getString("code"));
    assertNull(failed.getJsonObject("error").getValue("plugin"), "every plugin had succeeded");
    assertNull(failed.getJsonObject("owner").getValue("invitation"));

    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET owner_email = '" + email + "' WHERE id = '"
        + made.getString("id") + "'");
    assertEquals(200, engine.post(path + "/retry", token(), null).statusCode());
    var retried = engine.awaitEnd(path, token());
    assertEquals("succeeded", retried.getString("status"), retried.encodePrettily());
    assertEquals("invited", retried.getJsonObject("owner").getString("invitation"));
    assertEquals(1, pendingInvitations(made.getString("targetOrganization")).size());
  }

  /**
   * A retried job shows no owner invitation until its run invites again: until session 35 one cancelled while its
   * owner was invited showed {@code invited} while queued and run again.
   */
  @Test
  void aRetriedJobShowsNoInvitationUntilItsRunInvitesAgain() {
    var made = engine.provision(token(), job(owned(unique("re-owned"), unique("ceo") + "@customer.example")));
    assertEquals("invited", made.getJsonObject("owner").getString("invitation"), made.encodePrettily());
    var path = "/v1/provisioning/jobs/" + made.getString("id");
    // as if a cancel had come while the owner was invited: the job ends cancelled, the invitation made
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'cancelled' WHERE id = '"
        + made.getString("id") + "'");

    var retried = engine.post(path + "/retry", token(), null);

    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertNull(retried.bodyAsJsonObject().getJsonObject("owner").getValue("invitation"), retried.bodyAsString());
    var again = engine.awaitEnd(path, token());
    assertEquals("already_invited", again.getJsonObject("owner").getString("invitation"), again.encodePrettily());
  }

  /**
   * A batch's owner who joined otherwise meanwhile, a member without the owner role, is made owner by its next run;
   * the run after that finds them owner and writes nothing.
   */
  @Test
  void aBatchInvitesEachOwnerOnceAndMakesAMemberOwner() {
    var first = unique("batch-owned");
    var second = unique("batch-owned");
    var firstOwner = unique("ceo") + "@customer.example";
    var member = engine.org.newUser("owner-to-be");
    var unowned = unique("unowned");
    var request = batch(owned(first, firstOwner), owned(second, member.email()), new JsonObject().put("name", unowned));

    var ran = engine.provisionBatch(token(), request);
    assertEquals("succeeded", ran.getString("status"), ran.encodePrettily());
    assertEquals(new JsonObject().put("invited", 2).put("already_invited", 0).put("already_member", 0)
        .put("made_owner", 0).put("planned", 0), ran.getJsonObject("owners"));

    // the second tenant's owner joined otherwise: their invitation is gone, they are a member
    var secondTenant = organization(second);
    var invitation = pendingInvitations(secondTenant).getJsonObject(0).getString("id");
    assertEquals(204, engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + secondTenant + "/invitations/"
        + invitation, token(), null).statusCode());
    assertEquals(200, engine.org.post("/v1/organizations/" + secondTenant + "/users", engine.org.platformAdminToken(),
        new JsonObject().put("userIds", new JsonArray().add(member.id()))).statusCode());

    var rerun = engine.provisionBatch(token(), request);
    assertEquals("succeeded", rerun.getString("status"), rerun.encodePrettily());
    assertEquals(new JsonObject().put("invited", 0).put("already_invited", 1).put("already_member", 0)
        .put("made_owner", 1).put("planned", 0), rerun.getJsonObject("owners"));
    assertEquals(List.of("member", "owner"), roles(secondTenant, member.id()), "their role kept, owner added");
    var withoutOwner = engine.get("/v1/provisioning/batches/" + rerun.getString("id") + "/jobs", token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(job -> job.getJsonObject("target").getString("name").equals(unowned)).findFirst().orElseThrow();
    assertNull(withoutOwner.getValue("owner"), "a target without an owner invites no one");
    assertEquals(1, invitationsMade(organization(first)));
    assertEquals(1, invitationsMade(secondTenant));
    assertEquals(0, pendingInvitations(secondTenant).size());

    var third = engine.provisionBatch(token(), request);
    assertEquals(new JsonObject().put("invited", 0).put("already_invited", 1).put("already_member", 1)
        .put("made_owner", 0).put("planned", 0), third.getJsonObject("owners"), third.encodePrettily());
    assertEquals(1, rolesChanged(secondTenant), "made owner once");
  }

  /**
   * A template member the members plugin copied in, named the tenant's owner, is made owner keeping the template's
   * role: until session 44 they were counted {@code already_member} and never became owner. A plan says so first;
   * a re-run, its plan and a resumed run find them owner and write nothing.
   */
  @Test
  void aTemplateMemberNamedOwnerIsMadeOwnerKeepingTheirRolesOnce() {
    var name = unique("member-owned");
    var member = template.member();

    var first = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    assertEquals(new JsonObject().put("email", member.email()).put("invitation", "made_owner"),
        first.getJsonObject("owner"));
    var tenant = first.getString("targetOrganization");
    assertEquals(List.of("auditor", "owner"), roles(tenant, member.id()));
    assertEquals(0, pendingInvitations(tenant).size(), "no invitation");
    assertEquals(1, rolesChanged(tenant));

    var plan = engine.provision(token(), job(owned(name, member.email().toUpperCase(Locale.ROOT))).put("dryRun", true));
    assertEquals("already_member", plan.getJsonObject("owner").getString("invitation"), plan.encodePrettily());
    var again = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals("already_member", again.getJsonObject("owner").getString("invitation"), again.encodePrettily());
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'running', finished_at = NULL, "
        + "owner_invitation = NULL, lease_owner = 'engine-gone', lease_until = now() - interval '1 second' "
        + "WHERE id = '" + first.getString("id") + "'");
    var resumed = engine.awaitEnd("/v1/provisioning/jobs/" + first.getString("id"), token());
    assertEquals("already_member", resumed.getJsonObject("owner").getString("invitation"), resumed.encodePrettily());

    assertEquals(List.of("auditor", "owner"), roles(tenant, member.id()));
    assertEquals(1, rolesChanged(tenant), "nothing written after the first run");
    assertEquals(0, invitationsMade(tenant));
  }

  /**
   * A member who holds a pending owner invitation too (one an inviter who may not list the members made, not told they
   * were one) is made owner, the plan saying so first, and the invitation, moot, is withdrawn as an admin withdraws
   * one ({@code invitation.deleted}): until session 45 the invitation alone settled the owner, {@code already_invited},
   * and they never became owner; until session 46 it stayed pending.
   */
  @Test
  void aMemberHoldingAnOwnerInvitationIsMadeOwner() {
    var name = unique("invited-member");
    var member = engine.org.newUser("invited-member");
    var first = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("invited", first.getJsonObject("owner").getString("invitation"), first.encodePrettily());
    var tenant = first.getString("targetOrganization");
    engine.org.addMembers(tenant, List.of(member.id()), "member");
    assertEquals(1, pendingInvitations(tenant).size(), "joined otherwise, their invitation still pending");

    var plan = engine.provision(token(), job(owned(name, member.email())).put("dryRun", true));
    assertEquals("made_owner", plan.getJsonObject("owner").getString("invitation"), plan.encodePrettily());
    assertEquals(1, pendingInvitations(tenant).size(), "a plan withdraws nothing");
    var again = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals("made_owner", again.getJsonObject("owner").getString("invitation"), again.encodePrettily());
    assertEquals(List.of("member", "owner"), roles(tenant, member.id()));
    assertEquals(0, pendingInvitations(tenant).size(), "the moot invitation withdrawn");
    assertEquals(1, engine.org.audited(token(), tenant, "invitation.deleted").size());
    var third = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("already_member", third.getJsonObject("owner").getString("invitation"), third.encodePrettily());
    assertEquals(1, rolesChanged(tenant), "made owner once");
    assertEquals(1, invitationsMade(tenant), "invited once");
  }

  /**
   * An owner already who holds a pending owner invitation too is {@code already_member}, and the invitation, moot, is
   * withdrawn (a plan withdraws nothing): until session 47 only a member made owner had theirs withdrawn, so one whose
   * withdrawal had failed kept it for good.
   */
  @Test
  void anOwnerHoldingAnOwnerInvitationHasItWithdrawn() {
    var name = unique("invited-owner");
    var member = engine.org.newUser("invited-owner");
    var first = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("invited", first.getJsonObject("owner").getString("invitation"), first.encodePrettily());
    var tenant = first.getString("targetOrganization");
    engine.org.addMembers(tenant, List.of(member.id()), "owner");
    assertEquals(1, pendingInvitations(tenant).size(), "made owner otherwise, their invitation still pending");

    var plan = engine.provision(token(), job(owned(name, member.email())).put("dryRun", true));
    assertEquals("already_member", plan.getJsonObject("owner").getString("invitation"), plan.encodePrettily());
    assertEquals(1, pendingInvitations(tenant).size(), "a plan withdraws nothing");
    var again = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals("already_member", again.getJsonObject("owner").getString("invitation"), again.encodePrettily());
    assertEquals(0, pendingInvitations(tenant).size(), "the moot invitation withdrawn");
    assertEquals(1, engine.org.audited(token(), tenant, "invitation.deleted").size());
    assertEquals(0, rolesChanged(tenant), "no role written");
  }

  /** The roles of the member {@code userId} of {@code organization}, sorted. */
  private static List<String> roles(String organization, String userId) {
    return engine.org.get("/v1/organizations/" + organization + "/users/" + userId, token()).bodyAsJsonObject()
        .getJsonArray("roles").stream().map(String.class::cast).sorted().toList();
  }

  private static int rolesChanged(String organization) {
    return engine.org.audited(token(), organization, "member.roles_changed").size();
  }

  /**
   * A dry run naming a tenant the template made asks about the owner there, as the real run would: an address holding
   * an owner invitation, one that is a member's, one to invite.
   */
  @Test
  void aDryRunOfATenantTheTemplateMadeAsksAboutTheOwnerThere() {
    var name = unique("replanned");
    var email = unique("ceo") + "@customer.example";
    var made = engine.provision(token(), job(owned(name, email)));
    assertEquals("succeeded", made.getString("status"), made.encodePrettily());
    var tenant = made.getString("targetOrganization");

    var plan = engine.provision(token(), job(owned(name, email)).put("dryRun", true));
    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    assertEquals(tenant, plan.getString("targetOrganization"));
    assertEquals("already_invited", plan.getJsonObject("owner").getString("invitation"));

    var another = unique("ceo") + "@customer.example";
    var otherPlan = engine.provision(token(), job(owned(name, another)).put("dryRun", true));
    assertEquals("planned", otherPlan.getJsonObject("owner").getString("invitation"), otherPlan.encodePrettily());

    var member = engine.org.newUser("member-owner");
    assertEquals(200, engine.org.post("/v1/organizations/" + tenant + "/users", engine.org.platformAdminToken(),
        new JsonObject().put("userIds", new JsonArray().add(member.id()))).statusCode());
    var memberPlan = engine.provision(token(), job(owned(name, member.email().toUpperCase(Locale.ROOT)))
        .put("dryRun", true));
    assertEquals("succeeded", memberPlan.getString("status"), memberPlan.encodePrettily());
    assertEquals("made_owner", memberPlan.getJsonObject("owner").getString("invitation"),
        memberPlan.encodePrettily());
    var memberRun = engine.provision(token(), job(owned(name, member.email())));
    assertEquals("made_owner", memberRun.getJsonObject("owner").getString("invitation"), "as the plan said");
    var ownerPlan = engine.provision(token(), job(owned(name, member.email())).put("dryRun", true));
    assertEquals("already_member", ownerPlan.getJsonObject("owner").getString("invitation"),
        ownerPlan.encodePrettily());
    assertEquals(1, invitationsMade(tenant), "a dry run invites no one");
    assertEquals(1, rolesChanged(tenant), "nor makes anyone owner");
  }

  @Test
  void aDryRunReportsTheOwnerItWouldInviteAndInvitesNoOne() {
    var name = unique("planned");
    var email = unique("ceo") + "@customer.example";

    var planned = engine.provision(token(), job(owned(name, email)).put("dryRun", true));
    assertEquals("succeeded", planned.getString("status"), planned.encodePrettily());
    assertEquals(new JsonObject().put("email", email).put("invitation", "planned"), planned.getJsonObject("owner"));
    assertNull(planned.getValue("targetOrganization"), "nothing was made, so no one was invited anywhere");
    assertEquals(404, engine.org.get("/v1/organizations/" + name, token()).statusCode());

    var batch = engine.provisionBatch(token(), batch(owned(unique("planned"), email)).put("dryRun", true));
    assertEquals(1L, batch.getJsonObject("owners").getLong("planned"), batch.encodePrettily());
  }
}
