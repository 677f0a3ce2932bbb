package dev.orgplane.org.invitation;

import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.BatchedPurge;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.MailedOrgServiceTest;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.identity.SigningSchedule;
import dev.orgplane.org.ops.OperatorCommands;
import dev.orgplane.org.provisioner.JobRequester;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Invitations end to end, with mail delivered over SMTP to a real in-process server (GreenMail). */
class InvitationTest extends MailedOrgServiceTest {

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "inv-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  private long mailsTo(String email) throws jakarta.mail.MessagingException {
    long count = 0;
    for (var message : smtp.getReceivedMessages()) {
      if (message.getAllRecipients()[0].toString().equals(email)) {
        count++;
      }
    }
    return count;
  }

  /** The id of a new invitation of {@code email} as a member. */
  private String invitationTo(String email, String orgId, OrgServiceHarness.Account owner) {
    return invitation(owner, orgId, new JsonObject().put("email", email)).getString("id");
  }

  /** A new invitation to {@code orgId} by {@code inviter}, as {@code body} asks, as answered. */
  private JsonObject invitation(OrgServiceHarness.Account inviter, String orgId, JsonObject body) {
    var invited = org.post("/v1/organizations/" + orgId + "/invitations", inviter.token(), body);
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject();
  }

  /** The roles {@code member} holds in the organization, as its owner lists them. */
  private List<Object> rolesOf(OrgServiceHarness.Account member, String orgId, OrgServiceHarness.Account owner) {
    return org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(m -> m.getString("userId").equals(member.id())).findFirst()
        .orElseThrow().getJsonArray("roles").getList();
  }

  /**
   * The invitation mails queued to {@code email} (without case) so far, sent or not: an invitation queues its own, which
   * goes with it when it ends.
   */
  private long queuedMailsTo(String email) {
    return PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE lower(to_address) = lower('" + email
        + "') AND subject LIKE 'You are invited%'");
  }

  /** A new member of the organization whose one role invites and reads the organization and its teams, no more. */
  private OrgServiceHarness.Account newRecruiter(String orgId, OrgServiceHarness.Account owner) {
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject()
        .put("name", "recruiter").put("title", "Recruiter").put("permissions", new JsonArray()
            .add("app_organization_get").add("app_group_list").add("app_organization_invitationcreate")))
        .statusCode());
    var recruiter = org.newVerifiedUser("recruiter");
    org.addMembers(orgId, List.of(recruiter.id()), "recruiter");
    return recruiter;
  }

  /** Team {@code name} made in {@code orgId} by its {@code owner}; its id. */
  private String newTeam(String orgId, OrgServiceHarness.Account owner, String name) {
    var made = org.post("/v1/organizations/" + orgId + "/groups", owner.token(), new JsonObject().put("name", name));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    return made.bodyAsJsonObject().getString("id");
  }

  private static String freshEmail() {
    return "invitee-" + UUID.randomUUID() + "@test.local";
  }

  @Test
  void personWithoutAccountIsMailedRegistersLaterAndAccepts() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var teamId = newTeam(orgId, owner, "support");
    var email = freshEmail();
    var invite = new JsonObject().put("email", email).put("roles", new JsonArray().add("viewer"))
        .put("groupIds", new JsonArray().add(teamId));
    var first = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), invite);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    var again = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), invite);
    assertEquals(first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"),
        "inviting again refreshes the pending invitation");
    assertEquals(1, org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size());

    long deadline = System.currentTimeMillis() + 10_000;
    while (mailsTo(email) < 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, mailsTo(email), "the invitation mail arrives over SMTP");
    assertEquals(1, queuedMailsTo(email), "inviting again within the hour mails no more");

    var registered = org.post("/v1/auth/register", null, new JsonObject().put("email", email.toUpperCase())
        .put("password", "invitee-password-1"));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    var token = org.token(email, "invitee-password-1");
    assertProblem(org.get("/v1/users/me/invitations", token), 403, "email_not_verified");
    assertEquals(204, org.post("/v1/auth/email-verifications/confirm", null,
        new JsonObject().put("token", tokensMailedTo(email, "opv_", 1).get(0))).statusCode());
    var mine = org.get("/v1/users/me/invitations", token).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, mine.size());
    var invitationId = mine.getJsonObject(0).getString("id");

    var stranger = verifiedUser("stranger");
    assertProblem(org.post("/v1/invitations/" + invitationId + "/accept", stranger.token(), null), 404,
        "invitation_not_found");
    var accepted = org.post("/v1/invitations/" + invitationId + "/accept", token, null);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(200, org.get("/v1/organizations/" + orgId, token).statusCode());
    var teamMembers = org.get("/v1/organizations/" + orgId + "/groups/" + teamId + "/users", token).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(1, teamMembers.size());
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, token, new JsonObject().put("title", "x")),
        403, "forbidden");
    assertProblem(org.post("/v1/invitations/" + invitationId + "/accept", token, null), 404, "invitation_not_found");
  }

  /**
   * Anyone can register any address: until its owner has verified it (the mailed token), an account with the
   * invited address sees no invitation and answers none, whichever it names.
   */
  @Test
  void anAccountWithTheInvitedAddressButNotItsMailCannotTakeTheInvitation() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", email).put("roles", new JsonArray().add("manager")));
    var invitation = invited.getString("id");
    assertEquals(201, org.post("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "squatter-password-1")).statusCode());
    var squatter = org.token(email, "squatter-password-1");
    assertEquals(false, org.get("/v1/users/me", squatter).bodyAsJsonObject().getBoolean("emailVerified"));

    assertProblem(org.get("/v1/users/me/invitations", squatter), 403, "email_not_verified");
    assertProblem(org.post("/v1/invitations/" + invitation + "/accept", squatter, null), 403, "email_not_verified");
    assertProblem(org.post("/v1/invitations/" + UUID.randomUUID() + "/accept", squatter, null), 403,
        "email_not_verified");
    assertProblem(org.post("/v1/invitations/" + invitation + "/decline", squatter, null), 403, "email_not_verified");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + invitation, squatter,
        null), 404, "invitation_not_found");

    assertProblem(org.get("/v1/organizations/" + orgId, squatter), 404, "organization_not_found");
    assertEquals(1, org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "the invitation waits for the address's owner");
  }

  @Test
  void expiredInvitationIsGoneNotAccepted() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("late");
    var id = invitationTo(invitee.email(), orgId, owner);
    PgFixture.execute(db, "UPDATE org.invitations SET expires_at = now() - interval '1 day' WHERE id = '" + id + "'");
    assertProblem(org.post("/v1/invitations/" + id + "/accept", invitee.token(), null), 410, "invitation_expired");
    assertProblem(org.get("/v1/organizations/" + orgId, invitee.token()), 404, "organization_not_found");
    assertTrue(org.get("/v1/users/me/invitations", invitee.token()).bodyAsJsonObject().getJsonArray("items").isEmpty());
  }

  /**
   * An acceptance judges expiry by the database's clock, at the moment it takes hold of the organization: one that
   * expires later, while it waits for the invitation's row, is still pending to it, as to a list read at that moment.
   * Judged by this process's clock, read later, the same acceptance answered 410 for it.
   */
  @Test
  void anAcceptanceJudgesExpiryByTheClockThatListsInvitations(Vertx vertx) throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("in-time");
    var id = invitationTo(invitee.email(), orgId, owner);
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("SELECT 1 FROM org.invitations WHERE id = ?::uuid FOR UPDATE", id);
      var accepted = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/" + id + "/accept")
          .bearerTokenAuthentication(invitee.token()).send();
      PgFixture.awaitLockWaits(db, 1);
      rival.run("UPDATE org.invitations SET expires_at = clock_timestamp() WHERE id = ?::uuid", id);
      rival.commit();
      assertEquals(200, accepted.await().statusCode(), accepted.result().bodyAsString());
    }
    assertEquals(List.of("member"), rolesOf(invitee, orgId, owner));
  }

  /**
   * An invitation that expires while its acceptance waits for the organization is expired to it: a custom role it
   * grants may have been deleted meanwhile, by a deletion that counted only the invitations unexpired by its clock.
   * Judged by the clock of the acceptance's start, it made a member of a role there no longer was.
   */
  @Test
  void anInvitationExpiredWhileItsAcceptanceWaitsForTheOrganizationIsGone(Vertx vertx) throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var role = org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject()
        .put("name", "contractor").put("permissions", new JsonArray().add("app_organization_get")));
    assertEquals(201, role.statusCode(), role.bodyAsString());
    var invitee = verifiedUser("waiting");
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("contractor")));
    var id = invited.getString("id");
    try (var deletion = UncommittedTransaction.begin(db)) {
      // the role's deletion holds the organization, finds the invitation expired by its clock, and deletes the role
      deletion.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", orgId);
      var accepted = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/" + id + "/accept")
          .bearerTokenAuthentication(invitee.token()).send();
      PgFixture.awaitLockWaits(db, 1);
      deletion.run("UPDATE org.invitations SET expires_at = clock_timestamp() WHERE id = ?::uuid", id);
      deletion.run("DELETE FROM org.roles WHERE org_id = ?::uuid AND name = 'contractor'", orgId);
      deletion.commit();
      assertProblem(accepted.await(), 410, "invitation_expired");
    }
    assertProblem(org.get("/v1/organizations/" + orgId, invitee.token()), 404, "organization_not_found");
  }

  /**
   * An acceptance holds the invitee's address: one moving to another address meanwhile (its change confirmed, not yet
   * committed) is waited for, and the invitation of the address given up is then no longer theirs. Read unlocked, the
   * address let them join by it: changing it takes no lock a membership's foreign key waits for.
   */
  @Test
  void anAcceptanceWaitsForAnAddressChangeAndThenRefusesTheOldAddress(Vertx vertx) throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("moving");
    var id = invitationTo(invitee.email(), orgId, owner);
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("UPDATE org.users SET email = ?, email_verified_at = now() WHERE id = ?::uuid", freshEmail(),
          invitee.id());
      var accepted = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/" + id + "/accept")
          .bearerTokenAuthentication(invitee.token()).send();
      PgFixture.awaitLockWaits(db, 1);
      rival.commit();
      assertProblem(accepted.await(), 404, "invitation_not_found");
    }
    assertProblem(org.get("/v1/organizations/" + orgId, invitee.token()), 404, "organization_not_found");
  }

  /**
   * A disabled organization takes no one in: its invitations wait, listed with the organization's state so the
   * invitee sees why, and can be accepted once it is enabled again.
   */
  @Test
  void anInvitationIntoADisabledOrganizationWaitsUntilItIsEnabled() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("paused");
    var id = invitationTo(invitee.email(), orgId, owner);
    assertEquals(200, org.post("/v1/organizations/" + orgId + "/disable", owner.token(), null).statusCode());

    assertProblem(org.post("/v1/invitations/" + id + "/accept", invitee.token(), null), 403, "organization_disabled");
    assertProblem(org.get("/v1/organizations/" + orgId, invitee.token()), 404, "organization_not_found");
    var mine = org.get("/v1/users/me/invitations", invitee.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals("disabled", mine.getJsonObject(0).getJsonObject("organization").getString("state"), mine.encode());

    assertEquals(200, org.post("/v1/organizations/" + orgId + "/enable", owner.token(), null).statusCode());
    var accepted = org.post("/v1/invitations/" + id + "/accept", invitee.token(), null);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals("enabled", accepted.bodyAsJsonObject().getJsonObject("organization").getString("state"));
  }

  /** The invitation is gone once accepted, so its event names who joined; joining is announced as any other way in. */
  @Test
  void acceptingNamesTheJoiningUserAndAnnouncesThemAsAdded() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("joining");
    var id = invitationTo(invitee.email(), orgId, owner);
    assertEquals(200, org.post("/v1/invitations/" + id + "/accept", invitee.token(), null).statusCode());
    var accepted = org.audited(owner.token(), orgId, "invitation.accepted").getJsonObject(0).getJsonObject("details");
    assertEquals(invitee.id(), accepted.getString("userId"), accepted.encode());
    assertEquals(invitee.email(), accepted.getString("email"));
    var added = org.audited(owner.token(), orgId, "member.added");
    assertEquals(1, added.size(), added.encode());
    assertEquals(List.of(invitee.id()), added.getJsonObject(0).getJsonObject("details").getJsonArray("userIds").getList());
    assertEquals(List.of("member"), added.getJsonObject(0).getJsonObject("details").getJsonArray("roles").getList());
  }

  /**
   * The trail tells its readers no more of invitees than the lists would: an address, whether it was mailed (not to a
   * member's address) and which member an accepted invitation made to those who may list both invitations and members.
   * An address shown to a reader of invitations alone was paired with its member all the same (until session 32): the
   * accepted invitation, the created one's target, is by the member it made. So was the invitation's id, which the
   * invitation list and its creator know with its address (until session 36): the acceptance is shown to those readers
   * alone, as a departure's withdrawal is. The events keep it all, for the owner.
   */
  @Test
  void theTrailShowsInviteesAddressesOnlyToThoseWhoMayListThem() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("audited");
    var id = invitationTo(invitee.email(), orgId, owner);
    assertEquals(200, org.post("/v1/invitations/" + id + "/accept", invitee.token(), null).statusCode());
    var auditor = memberWithRole(orgId, owner, "auditor", "app_organization_get", "app_audit_list");
    var inviteReader = memberWithRole(orgId, owner, "invite-reader", "app_audit_list",
        "app_organization_invitationlist");
    var peopleReader = memberWithRole(orgId, owner, "people-reader", "app_audit_list",
        "app_organization_invitationlist", "app_organization_userlist");
    assertProblem(org.get("/v1/organizations/" + orgId + "/users", auditor.token()), 403, "forbidden");
    assertProblem(org.get("/v1/organizations/" + orgId + "/invitations", auditor.token()), 403, "forbidden");

    var granted = new JsonObject().put("roles", new JsonArray().add("member")).put("groupIds", new JsonArray());
    var created = granted.copy().put("email", invitee.email()).put("mailed", true);
    var joined = granted.copy().put("userId", invitee.id());
    for (var reader : List.of(owner, peopleReader)) {
      assertEquals(created, invitationDetails(reader, orgId, "invitation.created"));
      assertEquals(joined.copy().put("email", invitee.email()), invitationDetails(reader, orgId,
          "invitation.accepted"));
    }
    for (var reader : List.of(auditor, inviteReader)) {
      assertEquals(granted, invitationDetails(reader, orgId, "invitation.created"));
      assertEquals(0, org.audited(reader.token(), orgId, "invitation.accepted").size());
      assertEquals(List.of("member.added"), actionsBy(reader.token(), orgId, invitee.id()),
          "the member's joining is theirs to read, not the invitation it came by");
    }
  }

  /**
   * An invitation to a member's address is made for a caller who may not list the members as for any other, so that
   * inviting tells them no member's address; when that member goes, the invitation goes with them. The withdrawal, by
   * the member who left, named them ({@code userId}) to every reader of the trail until session 34: it is shown only to
   * those who may list invitations and members, as the invitee's address is; a withdrawal by an admin to anyone.
   */
  @Test
  void aDepartedMembersWithdrawnInvitationIsShownOnlyToThoseWhoMayListInvitationsAndMembers() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var inviter = memberWithRole(orgId, owner, "inviter", "app_audit_list", "app_organization_invitationlist",
        "app_organization_invitationcreate");
    var member = org.newVerifiedUser("leaving");
    org.addMembers(orgId, List.of(member.id()), "member");
    var toMember = invitationBy(inviter, orgId, member.email());
    var toStranger = invitationBy(inviter, orgId, freshEmail());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + toStranger,
        inviter.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + member.id(),
        member.token(), null).statusCode());

    var withdrawals = org.audited(owner.token(), orgId, "invitation.deleted");
    assertEquals(List.of("invitation:" + toMember, "invitation:" + toStranger), targets(withdrawals));
    assertEquals(new JsonObject().put("reason", "member_left").put("userId", member.id()),
        withdrawals.getJsonObject(0).getJsonObject("details"));
    assertEquals(List.of("invitation:" + toStranger), targets(org.audited(inviter.token(), orgId,
        "invitation.deleted")));
    assertEquals(List.of("member.removed"), actionsBy(inviter.token(), orgId, member.id()),
        "the member's leaving is theirs to read, not the invitation it withdrew");
  }

  /**
   * A member's confirmed move to another address withdraws the invitations to the address given up in the
   * organizations they are in, as their departure would, shown to the same readers. Until session 35 they stayed:
   * a viewer once invited as manager moved away, was removed (which withdrew only invitations to their new address),
   * took the old address back and accepted, coming back as manager. An organization they are not in keeps its own.
   */
  @Test
  void aMembersAddressGivenUpTakesItsInvitationsToTheirOrganizationsWithIt() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var elsewhere = newOrg(owner);
    var inviter = memberWithRole(orgId, owner, "inviter", "app_audit_list", "app_organization_invitationlist",
        "app_organization_invitationcreate");
    var member = verifiedUser("mover");
    var former = member.email();
    var asManager = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", former).put("roles", new JsonArray().add("manager")));
    assertEquals(201, asManager.statusCode(), asManager.bodyAsString());
    var id = asManager.bodyAsJsonObject().getString("id");
    org.addMembers(orgId, List.of(member.id()), "viewer");
    var outside = invitationTo(former, elsewhere, owner);

    moveTo(member, "password-mover-123", freshEmail());

    var withdrawals = org.audited(owner.token(), orgId, "invitation.deleted");
    assertEquals(List.of("invitation:" + id), targets(withdrawals));
    assertEquals(member.id(), withdrawals.getJsonObject(0).getString("actor"));
    assertEquals(new JsonObject().put("reason", "email_changed").put("userId", member.id()),
        withdrawals.getJsonObject(0).getJsonObject("details"));
    assertEquals(0, org.audited(inviter.token(), orgId, "invitation.deleted").size(),
        "shown as a departure's withdrawal is: to those who may list invitations and members");
    assertEquals(List.of(outside), org.get("/v1/organizations/" + elsewhere + "/invitations", owner.token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList());

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + member.id(),
        owner.token(), null).statusCode());
    moveTo(member, "password-mover-123", former);
    assertProblem(org.post("/v1/invitations/" + id + "/accept", member.token(), null), 404, "invitation_not_found");
    assertProblem(org.get("/v1/organizations/" + orgId, member.token()), 404, "organization_not_found");
  }

  /** Moves {@code account} to {@code email}, which it has not asked to move to before, confirming the mailed token. */
  private void moveTo(OrgServiceHarness.Account account, String password, String email) throws Exception {
    assertEquals(202, org.send(HttpMethod.PUT, "/v1/users/me/email", account.token(), new JsonObject()
        .put("email", email).put("password", password)).statusCode());
    assertEquals(204, org.post("/v1/auth/email-changes/confirm", null, new JsonObject().put("token",
        tokensMailedTo(email, "opc_", 1).get(0))).statusCode());
  }

  private String invitationBy(OrgServiceHarness.Account inviter, String orgId, String email) {
    return invitation(inviter, orgId, new JsonObject().put("email", email).put("roles", new JsonArray().add("inviter")))
        .getString("id");
  }

  private static List<String> targets(JsonArray events) {
    return events.stream().map(e -> ((JsonObject) e).getString("target")).toList();
  }

  /**
   * Who declines an invitation is no member, whom no list of the organization names: the trail names their account to
   * platform admins only, and {@code invitee} to anyone else, whose {@code actor} filter does not find the event by it
   * either. Until session 32 every reader of the trail read the decliner's account id.
   */
  @Test
  void theTrailNamesADeclinersAccountToPlatformAdminsOnly() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("declining");
    var id = invitationTo(invitee.email(), orgId, owner);
    assertEquals(204, org.post("/v1/invitations/" + id + "/decline", invitee.token(), null).statusCode());

    assertTheDeclineIsTrailedAsTheInvitees(owner, orgId, invitee, id);
    assertEquals(List.of("invitation.declined"), actionsBy(org.platformAdminToken(), orgId, invitee.id()));
  }

  /**
   * {@code orgId}'s trail holds one decline, of {@code invitationId}: by {@code invitee} to the owner, who does not find
   * it by the invitee's account either, and by that account to a platform admin.
   */
  private void assertTheDeclineIsTrailedAsTheInvitees(OrgServiceHarness.Account owner, String orgId,
      OrgServiceHarness.Account invitee, String invitationId) {
    var declined = org.audited(owner.token(), orgId, "invitation.declined");
    assertEquals(1, declined.size(), declined.encode());
    assertEquals("invitee", declined.getJsonObject(0).getString("actor"));
    assertEquals("invitation:" + invitationId, declined.getJsonObject(0).getString("target"));
    assertEquals(List.of(), actionsBy(owner.token(), orgId, invitee.id()));
    assertEquals(invitee.id(), org.audited(org.platformAdminToken(), orgId, "invitation.declined").getJsonObject(0)
        .getString("actor"));
  }

  /** The actions of {@code orgId}'s trail that {@code reader} finds by their actor, {@code actorId}. */
  private List<String> actionsBy(String reader, String orgId, String actorId) {
    return org.get("/v1/organizations/" + orgId + "/audit-events?actor=" + actorId, reader).bodyAsJsonObject()
        .getJsonArray("items").stream().map(e -> ((JsonObject) e).getString("action")).toList();
  }

  /**
   * An invitee withdrawing their own invitation declines it, and the trail tells it as a decline: until session 32 it
   * was {@code invitation.deleted} by their account, which every reader of the trail read and found by its id. An
   * admin's withdrawal stays {@code invitation.deleted} by the admin.
   */
  @Test
  void anInviteesOwnWithdrawalIsTheirDeclineInTheTrail() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("withdrawing");
    var own = invitationTo(invitee.email(), orgId, owner);
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + own,
        invitee.token(), null).statusCode());
    var other = invitationTo(freshEmail(), orgId, owner);
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + other,
        owner.token(), null).statusCode());

    assertTheDeclineIsTrailedAsTheInvitees(owner, orgId, invitee, own);
    var deleted = org.audited(owner.token(), orgId, "invitation.deleted");
    assertEquals(1, deleted.size(), deleted.encode());
    assertEquals(owner.id(), deleted.getJsonObject(0).getString("actor"));
    assertEquals("invitation:" + other, deleted.getJsonObject(0).getString("target"));
  }

  /**
   * An invitation's mail not yet sent (the mail server down, say) goes with the invitation, however it ends: sent after
   * a withdrawal or decline, it asked its addressee to accept an invitation that no longer existed (until session 32
   * only an organization's deletion took it).
   */
  @Test
  void anInvitationsMailNotYetSentGoesWithTheInvitation() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var decliner = verifiedUser("declining-unmailed");
    var withdrawer = verifiedUser("withdrawing-unmailed");
    var withdrawn = freshEmail();
    var kept = freshEmail();
    var ids = Stream.of(decliner.email(), withdrawer.email(), withdrawn, kept)
        .map(email -> invitationTo(email, orgId, owner)).toList();
    PgFixture.execute(db, "UPDATE org.mail_outbox SET state = 'pending', next_attempt_at = now() + interval '1 hour' "
        + "WHERE org_id = '" + orgId + "'");

    assertEquals(204, org.post("/v1/invitations/" + ids.get(0) + "/decline", decliner.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + ids.get(1),
        withdrawer.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + ids.get(2),
        owner.token(), null).statusCode());

    for (var email : List.of(decliner.email(), withdrawer.email(), withdrawn)) {
      assertEquals(0, queuedMailsTo(email), "the mail to " + email + " is not sent");
    }
    assertEquals(1, queuedMailsTo(kept), "a pending invitation's mail waits its turn");
  }

  /**
   * Inviting the address again keeps the invitation's id and may change what it grants: an acceptance naming the tag
   * the invitee read ({@code GET /v1/invitations/{iid}}, the organization's tag of it too) in {@code If-Match} is
   * refused, 412, once it changed, and takes nothing; until session 32 it made them an owner of an invitation they read
   * as a viewer's.
   */
  @Test
  void anAcceptanceNamingTheTagReadIsRefusedOnceTheInvitationChanged() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("pinning");
    var asViewer = new JsonObject().put("email", invitee.email()).put("roles", new JsonArray().add("viewer"));
    var id = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), asViewer).bodyAsJsonObject()
        .getString("id");
    var read = org.get("/v1/invitations/" + id, invitee.token());
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals(List.of("viewer"), read.bodyAsJsonObject().getJsonArray("roles").getList());
    var seen = read.getHeader("ETag");
    assertEquals(seen, org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token()).getHeader("ETag"));
    assertProblem(org.get("/v1/invitations/" + id, verifiedUser("stranger").token()), 404, "invitation_not_found");

    assertEquals(id, invitationTo(invitee.email(), orgId, owner), "inviting again keeps the id");
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        asViewer.copy().put("roles", new JsonArray().add("owner"))).statusCode());
    assertProblem(org.send(HttpMethod.POST, "/v1/invitations/" + id + "/accept", invitee.token(), null,
        MultiMap.caseInsensitiveMultiMap().add("If-Match", seen)), 412, "precondition_failed");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.invitations WHERE id = '" + id + "'"),
        "a refused acceptance takes nothing");
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.memberships WHERE user_id = '" + invitee.id()
        + "'"));

    var reread = org.get("/v1/invitations/" + id, invitee.token()).getHeader("ETag");
    assertEquals(200, org.send(HttpMethod.POST, "/v1/invitations/" + id + "/accept", invitee.token(), null,
        MultiMap.caseInsensitiveMultiMap().add("If-Match", reread)).statusCode());
    assertEquals(List.of("owner"), rolesOf(invitee, orgId, owner));
  }

  /**
   * An invitation the engine makes for a job names the job's requester in {@code invitation.created} ({@code
   * requestedBy}), to the readers shown its address: the address may become the requester's, whom accepting it is
   * refused. One made for no job names none.
   */
  @Test
  void anInvitationMadeForAJobNamesItsRequesterToThoseShownItsAddress() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var requester = org.newVerifiedUser("requester");
    var invited = org.send(HttpMethod.POST, "/v1/organizations/" + orgId + "/invitations", org.engineToken(),
        new JsonObject().put("email", "job-owner-" + UUID.randomUUID() + "@example.com")
            .put("roles", new JsonArray().add("owner")),
        MultiMap.caseInsensitiveMultiMap().add(JobRequester.HEADER, requester.id()));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    var auditor = memberWithRole(orgId, owner, "auditor", "app_organization_get", "app_audit_list");
    var inviteReader = memberWithRole(orgId, owner, "invite-reader", "app_audit_list",
        "app_organization_invitationlist");
    var peopleReader = memberWithRole(orgId, owner, "people-reader", "app_audit_list",
        "app_organization_invitationlist", "app_organization_userlist");

    for (var reader : List.of(owner, peopleReader)) {
      assertEquals(requester.id(), invitationDetails(reader, orgId, "invitation.created").getString("requestedBy"));
    }
    for (var reader : List.of(auditor, inviteReader)) {
      var shown = invitationDetails(reader, orgId, "invitation.created");
      assertEquals(List.of("groupIds", "roles"), shown.fieldNames().stream().sorted().toList(), shown.encode());
    }
    var ownOrg = newOrg(owner);
    invitationTo("no-job-" + UUID.randomUUID() + "@example.com", ownOrg, owner);
    var unrequested = invitationDetails(owner, ownOrg, "invitation.created");
    assertFalse(unrequested.containsKey("requestedBy"), unrequested.encode());
  }

  /** A new member of the organization whose one role, {@code name}, grants {@code permissions} and no more. */
  private OrgServiceHarness.Account memberWithRole(String orgId, OrgServiceHarness.Account owner, String name,
      String... permissions) {
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject()
        .put("name", name).put("title", name).put("permissions", new JsonArray(List.of(permissions)))).statusCode());
    var member = org.newVerifiedUser(name);
    org.addMembers(orgId, List.of(member.id()), name);
    return member;
  }

  /** The details of the organization's one event {@code action}, as {@code reader} is shown them. */
  private JsonObject invitationDetails(OrgServiceHarness.Account reader, String orgId, String action) {
    var events = org.audited(reader.token(), orgId, action);
    assertEquals(1, events.size(), events.encode());
    return events.getJsonObject(0).getJsonObject("details");
  }

  /**
   * The teams an invitation names are recorded with it: {@code invitation.created} names its {@code roles} and
   * {@code groupIds}, {@code invitation.accepted} the teams joined, and each team joined records the member it gained
   * ({@code team.members_added}), as any add does. Until session 31 no event named them: a team joined by invitation
   * was joined nowhere in the trail.
   */
  @Test
  void theTeamsAnInvitationNamesAreInTheTrail() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var teams = Stream.of("support", "sales").map(name -> org.post("/v1/organizations/" + orgId + "/groups",
        owner.token(), new JsonObject().put("name", name)).bodyAsJsonObject().getString("id")).sorted().toList();
    var invitee = verifiedUser("joining");
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("viewer")).put("groupIds", new JsonArray(teams)));
    var created = invitationDetails(owner, orgId, "invitation.created");
    assertEquals(List.of("viewer"), created.getJsonArray("roles").getList());
    assertEquals(teams, created.getJsonArray("groupIds").getList().stream().sorted().toList());

    assertEquals(200, org.post("/v1/invitations/" + invited.getString("id") + "/accept",
        invitee.token(), null).statusCode());
    assertEquals(teams, invitationDetails(owner, orgId, "invitation.accepted").getJsonArray("groupIds").getList());
    var added = org.audited(owner.token(), orgId, "team.members_added");
    assertEquals(teams, added.stream().map(e -> ((JsonObject) e).getString("target").substring("team:".length()))
        .sorted().toList(), added.encode());
    for (var event : added) {
      assertEquals(new JsonObject().put("userIds", new JsonArray().add(invitee.id())),
          ((JsonObject) event).getJsonObject("details"));
    }
  }

  /** Joining the teams an invitation names is a change of their member lists, whose time it moves. */
  @Test
  void acceptingMovesTheTimeOfTheTeamsJoined() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var team = org.post("/v1/organizations/" + orgId + "/groups", owner.token(), new JsonObject().put("name", "support"))
        .bodyAsJsonObject();
    var invitee = verifiedUser("joining");
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", invitee.email()).put("groupIds", new JsonArray().add(team.getString("id"))));
    assertEquals(200, org.post("/v1/invitations/" + invited.getString("id") + "/accept",
        invitee.token(), null).statusCode());
    var joined = org.get("/v1/organizations/" + orgId + "/groups/" + team.getString("id"), owner.token())
        .bodyAsJsonObject();
    assertEquals(1, joined.getInteger("memberCount"), joined.encode());
    assertTrue(Instant.parse(joined.getString("updatedAt")).isAfter(Instant.parse(team.getString("updatedAt"))),
        joined.encode());
  }

  /**
   * Deleting a team takes it out of the invitations that name it, so what an invitation shows, its ETag and what
   * accepting it joins agree: until session 34 the invitation still named the team, and accepting joined a team made
   * again later under the same id, as a copy's team is.
   */
  @Test
  void aDeletedTeamLeavesTheInvitationsThatNameIt() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var kept = newTeam(orgId, owner, "kept");
    var deleted = UUID.randomUUID().toString();
    var team = new JsonObject().put("name", "deleted").put("userIds", new JsonArray());
    assertEquals(201, org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/groups/" + deleted, owner.token(),
        team).statusCode());
    var invitee = verifiedUser("joining");
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", invitee.email()).put("groupIds", new JsonArray().add(kept).add(deleted)));
    var id = invited.getString("id");
    var seen = org.get("/v1/invitations/" + id, invitee.token()).getHeader("ETag");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/groups/" + deleted, owner.token(),
        null).statusCode());
    var read = org.get("/v1/invitations/" + id, invitee.token());
    assertEquals(List.of(kept), read.bodyAsJsonObject().getJsonArray("groupIds").getList(), read.bodyAsString());
    assertNotEquals(seen, read.getHeader("ETag"), "the invitation changed, and so did its tag");
    assertEquals(List.of(kept), org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token())
        .bodyAsJsonObject().getJsonArray("groupIds").getList());

    assertEquals(201, org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/groups/" + deleted, owner.token(),
        team).statusCode());
    assertEquals(200, org.post("/v1/invitations/" + id + "/accept", invitee.token(), null).statusCode());
    assertEquals(List.of(kept), invitationDetails(owner, orgId, "invitation.accepted").getJsonArray("groupIds")
        .getList());
    assertEquals(0, org.get("/v1/organizations/" + orgId + "/groups/" + deleted, owner.token()).bodyAsJsonObject()
        .getInteger("memberCount"));
  }

  /** Inviting a member changes nothing, so it is refused rather than answered with an invitation that grants nothing. */
  @Test
  void aMemberIsNotInvited() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var viewer = verifiedUser("viewer");
    org.addMembers(orgId, List.of(viewer.id()), "viewer");

    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", viewer.email().toUpperCase()).put("roles", new JsonArray().add("manager"))), 409, "already_member");
    assertTrue(org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").isEmpty());
  }

  /** An invitation's roles are a set, as a member's: answered sorted by name whatever order they were given in. */
  @Test
  void anInvitationsRolesAreAnsweredSortedByName() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", freshEmail()).put("roles", new JsonArray().add("viewer").add("manager")));
    var sorted = new JsonArray().add("manager").add("viewer");
    assertEquals(sorted, invited.getJsonArray("roles"));
    assertEquals(sorted, org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0).getJsonArray("roles"));
  }

  /**
   * Someone an operator added directly while invited: accepting would grant none of the invitation's roles, so it is
   * refused and the invitation left for them to decline (or an admin to withdraw), nothing recorded as accepted.
   */
  @Test
  void anInviteeWhoBecameAMemberMeanwhileCannotAccept() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("joined");
    var id = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    org.addMembers(orgId, List.of(invitee.id()), "viewer");

    assertProblem(org.post("/v1/invitations/" + id + "/accept", invitee.token(), null), 409, "already_member");
    assertEquals(List.of("viewer"), rolesOf(invitee, orgId, owner));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.audit_events WHERE action = 'invitation.accepted' "
        + "AND org_id = '" + orgId + "'"));
    assertEquals(204, org.post("/v1/invitations/" + id + "/decline", invitee.token(), null).statusCode());
  }

  /** An organization's expired invitations are gone to it: neither listed nor read nor withdrawn (only purged). */
  @Test
  void anExpiredInvitationIsNotReadByTheOrganization() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var id = invitationTo(freshEmail(), orgId, owner);
    PgFixture.execute(db, "UPDATE org.invitations SET expires_at = now() - interval '1 day' WHERE id = '" + id + "'");
    var path = "/v1/organizations/" + orgId + "/invitations/" + id;
    assertProblem(org.get(path, owner.token()), 404, "invitation_not_found");
    assertProblem(org.send(HttpMethod.DELETE, path, owner.token(), null), 404, "invitation_not_found");
  }

  /**
   * Withdrawing locks the invitation only for a caller who may withdraw it: a stranger naming its id neither waits
   * for a transaction holding it nor holds up one.
   */
  @Test
  void aStrangersWithdrawalLocksNothing(Vertx vertx) {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var stranger = org.newUser("stranger");
    var strangersOrg = newOrg(stranger);
    var id = invitationTo(freshEmail(), orgId, owner);
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.invitations WHERE id = '" + id + "' FOR UPDATE").execute().await();
    try {
      for (var orgRef : List.of(orgId, strangersOrg)) {
        var answer = WebClient.create(vertx).delete(org.port(), "127.0.0.1", "/v1/organizations/" + orgRef
            + "/invitations/" + id).bearerTokenAuthentication(stranger.token()).send().timeout(5, TimeUnit.SECONDS).await();
        assertProblem(answer, 404, "invitation_not_found");
      }
    } finally {
      lock.query("COMMIT").execute().await();
      lock.close().await();
    }
  }

  @Test
  void anInvitationLifetimeOfAMinuteToAYearIsAllThatStarts() {
    for (var ttl : List.of("0", "-604800", "59", "31536001", "9223372036854775807")) {
      var failure = assertThrows(ConfigException.class, () -> InvitationRoutes.ttlSeconds(new Settings(
          new JsonObject().put("ORGPLANE_INVITATION_TTL_SECONDS", ttl))));
      assertEquals("ORGPLANE_INVITATION_TTL_SECONDS must be 60 to 31536000, got " + ttl, failure.getMessage());
    }
    for (var ttl : List.of(60L, 604_800L, 31_536_000L)) {
      assertEquals(ttl, InvitationRoutes.ttlSeconds(new Settings(new JsonObject()
          .put("ORGPLANE_INVITATION_TTL_SECONDS", ttl.toString()))));
    }
  }

  /**
   * Accepting locks the organization only once the invitation is the caller's: a stranger naming its id neither
   * waits for a transaction holding the organization (a role change, a disabling) nor holds one up.
   */
  @Test
  void aStrangersAcceptanceWaitsForNoOrganizationLock(Vertx vertx) {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var stranger = org.newVerifiedUser("stranger");
    var id = invitationTo(freshEmail(), orgId, owner);
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.organizations WHERE id = '" + orgId + "' FOR UPDATE").execute().await();
    try {
      var answer = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/" + id + "/accept")
          .bearerTokenAuthentication(stranger.token()).send().timeout(5, TimeUnit.SECONDS).await();
      assertProblem(answer, 404, "invitation_not_found");
    } finally {
      lock.query("COMMIT").execute().await();
      lock.close().await();
    }
  }

  /**
   * An organization reference no organization can have (a NUL in it) finds no invitation, as an unknown one: it was
   * looked up, and the database refused it (400 {@code invalid_text}).
   */
  @Test
  void aReferenceNoOrganizationCanHaveFindsNoInvitation() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var id = invitationTo(freshEmail(), orgId, owner);
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/nul%00name/invitations/" + id, owner.token(), null),
        404, "invitation_not_found");
  }

  /** Inviting again is a new invitation under the old id: made now, and valid for a whole lifetime from now. */
  /**
   * Inviting an address the organization mailed less than an hour ago makes the invitation anew without mailing it
   * again, a withdrawal in between or not; an hour on, it is mailed again. The audit says which.
   */
  @Test
  void anAddressIsMailedOnceAnHourHoweverOftenItIsInvited() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    var id = invitationTo(email, orgId, owner);
    assertEquals(id, invitationTo(email.toUpperCase(), orgId, owner));
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + id, owner.token(),
        null).statusCode());
    invitationTo(email, orgId, owner);
    assertEquals(0, queuedMailsTo(email), "the withdrawn invitation's mail went with it, and none was queued since");
    assertEquals(List.of(false, false, true), org.audited(owner.token(), orgId, "invitation.created").stream()
        .map(e -> ((JsonObject) e).getJsonObject("details").getBoolean("mailed")).toList(), "newest first");

    PgFixture.execute(db, "UPDATE org.invitation_mails SET created_at = now() - interval '61 minutes' WHERE org_id = '"
        + orgId + "'");
    invitationTo(email, orgId, owner);
    assertEquals(1, queuedMailsTo(email), "an hour on, inviting mails again");
  }

  /**
   * Anyone can register any address: until a person has shown they read their own mail, they mail no one in an
   * organization's name. A service user, no person, invites as its roles allow.
   */
  @Test
  void anUnverifiedPersonInvitesNoOne() {
    var owner = org.newUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", email)), 403, "email_not_verified");
    assertEquals(0, queuedMailsTo(email));
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.invitations WHERE org_id = '" + orgId + "'"));

    var base = "/v1/organizations/" + orgId + "/service-users";
    var serviceUser = org.post(base, owner.token(), new JsonObject().put("name", "inviter")
        .put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    var credential = org.post(base + "/" + serviceUser + "/credentials", owner.token(), null).bodyAsJsonObject();
    var token = org.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"))
        .bodyAsJsonObject().getString("access_token");
    assertEquals(201, org.post("/v1/organizations/" + orgId + "/invitations", token, new JsonObject()
        .put("email", email)).statusCode());
    assertEquals(1, queuedMailsTo(email));
  }

  /**
   * An organization mails {@value InvitationMails#PER_HOUR} invitations an hour at most: the next is 429 with when to
   * retry, and nothing of it stays; an address mailed within the hour is still invited again (it costs no mail).
   */
  @Test
  void anOrganizationMailsItsHourlyInvitationsAndNoMore() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var mailed = freshEmail();
    invitationTo(mailed, orgId, owner);
    PgFixture.execute(db, "INSERT INTO org.invitation_mails (org_id, email, created_at) SELECT '" + orgId
        + "', 'earlier-' || n || '@test.local', now() - interval '10 minutes' FROM generate_series(2, "
        + InvitationMails.PER_HOUR + ") n");

    var email = freshEmail();
    var refused = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", email));
    assertProblem(refused, 429, "invitation_mail_limit");
    var retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
    assertTrue(retryAfter > 2900 && retryAfter <= 3000, "when the oldest mail counted is an hour old: " + retryAfter);
    assertEquals(0, queuedMailsTo(email));
    assertEquals(List.of(mailed), org.get("/v1/organizations/" + orgId + "/invitations", owner.token())
        .bodyAsJsonObject().getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("email")).toList());

    invitationTo(mailed, orgId, owner);
    assertEquals(1, queuedMailsTo(mailed));
  }

  /**
   * An organization's title is the invitation's subject: one stored before titles were held to one line (session 31)
   * still arrives as one, its line breaks spaces, and starts no header or body of its own (vertx-mail passed a bare LF
   * on, so such a title set a {@code Reply-To} and a body of the organization creator's choosing).
   */
  @Test
  void aTitleWithLineBreaksStartsNoHeaderOfItsOwn() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    PgFixture.execute(db, "UPDATE org.organizations SET title = E'Acme\\nX-Injected: yes\\nReply-To: "
        + "attacker@evil.test\\n\\nFAKE BODY' WHERE id = '" + orgId + "'");
    var email = freshEmail();
    invitationTo(email, orgId, owner);

    // found by its subject: a header's line break that ended the head put the recipient in the body
    jakarta.mail.internet.MimeMessage mail = null;
    for (var deadline = System.currentTimeMillis() + 10_000; mail == null && System.currentTimeMillis() < deadline; ) {
      for (var message : smtp.getReceivedMessages()) {
        if (String.valueOf(message.getSubject()).startsWith("You are invited to Acme")) {
          mail = message;
        }
      }
      Thread.sleep(50);
    }
    var title = "Acme X-Injected: yes Reply-To: attacker@evil.test FAKE BODY";
    assertEquals("You are invited to " + title, mail.getSubject());
    assertNull(mail.getHeader("X-Injected"));
    assertNull(mail.getHeader("Reply-To"));
    assertEquals(email, mail.getAllRecipients()[0].toString());
    assertTrue(mail.getContent().toString().startsWith("You have been invited to join " + title + " on Orgplane."),
        mail.getContent().toString());
  }

  /**
   * Only a caller who may list the members hears that an address is a member's (409 {@code already_member}); one who
   * may invite but not list them is answered as for anyone: the invitation is made, not mailed to the member, and
   * accepting it changes nothing.
   */
  @Test
  void onlyThoseWhoMayListMembersHearThatAnAddressIsAMembers() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var recruiter = newRecruiter(orgId, owner);
    var member = org.newVerifiedUser("member");
    org.addMembers(orgId, List.of(member.id()), "viewer");
    var path = "/v1/organizations/" + orgId + "/invitations";

    assertProblem(org.post(path, owner.token(), new JsonObject().put("email", member.email())), 409, "already_member");
    var invited = invitation(recruiter, orgId, new JsonObject().put("email", member.email().toUpperCase()));
    assertEquals(List.of("member"), invited.getJsonArray("roles").getList());
    assertEquals(0, queuedMailsTo(member.email()), "a member is mailed no invitation");
    assertProblem(org.post("/v1/invitations/" + invited.getString("id") + "/accept",
        member.token(), null), 409, "already_member");
    assertEquals(201, org.post(path, recruiter.token(), new JsonObject().put("email", freshEmail())).statusCode(),
        "and the recruiter invites others as before");
  }

  /**
   * The hourly limit answers a member's address as any other, though it is not mailed: it counts as a mail, and meets
   * the 429 past the hour's last. Only a stranger's did (until session 31), so a caller who may not list the members
   * told them from the others by it.
   */
  @Test
  void aMembersAddressMeetsTheHourlyLimitAsAnyOther() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var recruiter = newRecruiter(orgId, owner);
    var member = org.newVerifiedUser("member");
    org.addMembers(orgId, List.of(member.id()), "viewer");
    var path = "/v1/organizations/" + orgId + "/invitations";
    PgFixture.execute(db, "INSERT INTO org.invitation_mails (org_id, email) SELECT '" + orgId
        + "', 'earlier-' || n || '@test.local' FROM generate_series(2, " + InvitationMails.PER_HOUR + ") n");

    assertEquals(201, org.post(path, recruiter.token(), new JsonObject().put("email", member.email())).statusCode(),
        "the hour's last mail");
    assertEquals(0, queuedMailsTo(member.email()), "counted, not mailed to the member");
    assertProblem(org.post(path, recruiter.token(), new JsonObject().put("email", freshEmail())), 429,
        "invitation_mail_limit");
    assertEquals(201, org.post(path, recruiter.token(), new JsonObject().put("email", member.email())).statusCode(),
        "counted within the hour, as an address mailed is");
    var other = org.newVerifiedUser("other");
    org.addMembers(orgId, List.of(other.id()), "viewer");
    assertProblem(org.post(path, recruiter.token(), new JsonObject().put("email", other.email())), 429,
        "invitation_mail_limit");
  }

  /**
   * Naming teams in an invitation puts its invitee in them on acceptance: only a caller who may change the teams'
   * members ({@code app_group_manage}) names any (403 {@code permission_not_held}); one who may not still invites.
   */
  @Test
  void onlyThoseWhoManageTeamsInviteIntoThem() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var recruiter = newRecruiter(orgId, owner);
    var teamId = newTeam(orgId, owner, "core");
    var path = "/v1/organizations/" + orgId + "/invitations";
    var email = freshEmail();

    assertProblem(org.post(path, recruiter.token(), new JsonObject().put("email", email)
        .put("groupIds", new JsonArray().add(teamId))), 403, "permission_not_held");
    assertEquals(0, org.get(path + "?email=" + email, owner.token()).bodyAsJsonObject().getJsonArray("items").size(),
        "no invitation was made");
    assertEquals(201, org.post(path, recruiter.token(), new JsonObject().put("email", email)
        .put("groupIds", new JsonArray())).statusCode(), "the recruiter invites into no team");
    assertEquals(201, org.post(path, owner.token(), new JsonObject().put("email", freshEmail())
        .put("groupIds", new JsonArray().add(teamId))).statusCode());
  }

  /**
   * Inviting an address again replaces its invitation's teams too, so replacing one that names teams takes {@code
   * app_group_manage} as naming them does (403 {@code permission_not_held}, the invitation as it was): until session 35
   * a caller who could only invite took another admin's invitation's teams away and became its inviter.
   */
  @Test
  void onlyThoseWhoManageTeamsReplaceAnInvitationIntoThem() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var recruiter = newRecruiter(orgId, owner);
    var teamId = newTeam(orgId, owner, "core");
    var path = "/v1/organizations/" + orgId + "/invitations";
    var intoTeam = org.post(path, owner.token(), new JsonObject().put("email", freshEmail())
        .put("groupIds", new JsonArray().add(teamId))).bodyAsJsonObject();

    assertProblem(org.post(path, recruiter.token(), new JsonObject().put("email", intoTeam.getString("email"))),
        403, "permission_not_held");
    assertEquals(intoTeam, org.get(path + "/" + intoTeam.getString("id"), owner.token()).bodyAsJsonObject(),
        "the invitation is as its inviter made it");
    var teamless = freshEmail();
    invitationTo(teamless, orgId, owner);
    assertEquals(201, org.post(path, recruiter.token(), new JsonObject().put("email", teamless)).statusCode(),
        "an invitation into no team is the recruiter's to replace");
  }

  /**
   * Withdrawing an invitation into teams takes {@code app_group_manage} as replacing it does (403 {@code
   * permission_not_held}, the invitation as it was): a caller refused the replacement would otherwise withdraw the
   * invitation and invite the address anew without its teams. The invitee withdraws their own whatever it names.
   */
  @Test
  void onlyThoseWhoManageTeamsWithdrawAnInvitationIntoThem() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var recruiter = newRecruiter(orgId, owner);
    var teamId = newTeam(orgId, owner, "core");
    var invitee = verifiedUser("team-invitee");
    var path = "/v1/organizations/" + orgId + "/invitations";
    var intoTeam = org.post(path, owner.token(), new JsonObject().put("email", invitee.email())
        .put("groupIds", new JsonArray().add(teamId))).bodyAsJsonObject();
    var id = intoTeam.getString("id");

    assertProblem(org.send(HttpMethod.DELETE, path + "/" + id, recruiter.token(), null), 403, "permission_not_held");
    assertEquals(intoTeam, org.get(path + "/" + id, owner.token()).bodyAsJsonObject(),
        "the invitation is as its inviter made it");
    assertEquals(204, org.send(HttpMethod.DELETE, path + "/" + id, invitee.token(), null).statusCode(),
        "the invitee withdraws their own");
    var teamless = invitationTo(freshEmail(), orgId, owner);
    assertEquals(204, org.send(HttpMethod.DELETE, path + "/" + teamless, recruiter.token(), null).statusCode(),
        "an invitation into no team is the recruiter's to withdraw");
  }

  /**
   * Accepting asks whether the inviter could make the invitation now: one made by a manager removed or demoted since
   * is refused (409 {@code inviter_lacks_rights}, nothing granted) and stays pending until an admin invites the
   * address anew, which makes it theirs.
   */
  @Test
  void anInvitationGrantsNoMoreThanItsInviterCouldWhenAccepted() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var removed = org.newVerifiedUser("removed-manager");
    var demoted = org.newVerifiedUser("demoted-manager");
    org.addMembers(orgId, List.of(removed.id(), demoted.id()), "manager");
    var path = "/v1/organizations/" + orgId + "/invitations";
    var invitee = verifiedUser("manager-invitee");
    var other = verifiedUser("viewer-invitee");
    var asManager = org.post(path, removed.token(), new JsonObject().put("email", invitee.email())
        .put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    var asViewer = org.post(path, demoted.token(), new JsonObject().put("email", other.email())
        .put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + removed.id(),
        owner.token(), null).statusCode());
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/organizations/" + orgId + "/users/" + demoted.id() + "/roles",
        owner.token(), new JsonObject().put("roles", new JsonArray().add("viewer"))).statusCode());

    assertProblem(org.post("/v1/invitations/" + asManager + "/accept", invitee.token(), null), 409,
        "inviter_lacks_rights");
    assertProblem(org.post("/v1/invitations/" + asViewer + "/accept", other.token(), null), 409,
        "inviter_lacks_rights");
    assertEquals(404, org.get("/v1/organizations/" + orgId + "/users/" + invitee.id(), owner.token()).statusCode(),
        "no member was made");
    assertEquals(200, org.get(path + "/" + asManager, owner.token()).statusCode(), "still pending");
    assertEquals(asManager, invitationTo(invitee.email(), orgId, owner), "invited anew under its id");
    assertEquals(200, org.post("/v1/invitations/" + asManager + "/accept", invitee.token(), null).statusCode());
    assertEquals(List.of("member"), rolesOf(invitee, orgId, owner), "as the owner invited them anew");
  }

  /**
   * An invitee who became a member since hears so (409 {@code already_member}) even when their inviter can no longer
   * grant the invitation: {@code inviter_lacks_rights} told them to ask to be invited again, which no member can be.
   */
  @Test
  void aMemberSinceAcceptingTheInvitationOfAnInviterRemovedHearsTheyAreAMember() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var removed = org.newVerifiedUser("removed-manager");
    org.addMembers(orgId, List.of(removed.id()), "manager");
    var invitee = verifiedUser("member-since");
    var id = org.post("/v1/organizations/" + orgId + "/invitations", removed.token(), new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    org.addMembers(orgId, List.of(invitee.id()), "member");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/users/" + removed.id(),
        owner.token(), null).statusCode());

    assertProblem(org.post("/v1/invitations/" + id + "/accept", invitee.token(), null), 409, "already_member");
    assertEquals(List.of("member"), rolesOf(invitee, orgId, owner), "their roles unchanged");
  }

  /**
   * An invitation into teams asks at acceptance that its inviter may still change their members: a custom role
   * narrowed since to leave {@code app_group_manage} out refuses it (409 {@code inviter_lacks_rights}).
   */
  @Test
  void anInvitationIntoTeamsAsksItsInviterStillManagesThem() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitesOnly = new JsonArray().add("app_organization_get").add("app_group_list")
        .add("app_organization_invitationcreate");
    var role = org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject().put("name", "lead")
        .put("permissions", invitesOnly.copy().add("app_group_manage"))).bodyAsJsonObject().getString("id");
    var lead = org.newVerifiedUser("lead");
    org.addMembers(orgId, List.of(lead.id()), "lead");
    var teamId = newTeam(orgId, owner, "core");
    var invitee = verifiedUser("team-invitee");
    var invited = invitation(lead, orgId, new JsonObject()
        .put("email", invitee.email()).put("groupIds", new JsonArray().add(teamId)));
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId + "/roles/" + role, owner.token(),
        new JsonObject().put("permissions", invitesOnly)).statusCode());

    assertProblem(org.post("/v1/invitations/" + invited.getString("id") + "/accept",
        invitee.token(), null), 409, "inviter_lacks_rights");
  }

  /**
   * An acceptance waits for a revocation of its inviter's group adminship under way, and is then refused (409
   * {@code inviter_lacks_rights}): holding the organization's row only, it read the inviter's rights before the
   * revocation (which holds the group's row) committed, and made a manager of an inviter who no longer was one.
   */
  @Test
  void anAcceptanceWaitsForTheRevocationOfItsInvitersGroupAdminship(Vertx vertx) throws Exception {
    var admin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "inv " + UUID.randomUUID()))
        .bodyAsJsonObject();
    var groupAdmin = org.newVerifiedUser("groupadmin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + group.getString("id") + "/admins/"
        + groupAdmin.id(), admin, null).statusCode());
    var owner = org.newVerifiedUser("owner");
    var orgId = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", "inv-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "Grouped")
            .put("groupId", group.getString("id")),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")))
        .bodyAsJsonObject().getString("id");
    var invitee = verifiedUser("group-invitee");
    var invited = invitation(groupAdmin, orgId, new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("manager")));
    try (var revocation = UncommittedTransaction.begin(db)) {
      revocation.run("SELECT 1 FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", group.getString("id"));
      revocation.run("DELETE FROM org.group_admins WHERE group_id = ?::uuid AND user_id = ?::uuid",
          group.getString("id"), groupAdmin.id());
      var accepted = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/"
          + invited.getString("id") + "/accept").bearerTokenAuthentication(invitee.token()).send();
      PgFixture.awaitLockWaits(db, 1);
      revocation.commit();
      assertProblem(accepted.await(), 409, "inviter_lacks_rights");
    }
    assertEquals(404, org.get("/v1/organizations/" + orgId + "/users/" + invitee.id(), owner.token()).statusCode(),
        "no member was made");
  }

  /**
   * An acceptance and the appointment of its invitee as an admin of the organization's group, at once, both succeed.
   * The acceptance share-locks the invitee's row, then the organization's, then the group's; the appointment locked
   * the group's row and then the invitee's FOR UPDATE, which waits for the acceptance's FOR SHARE: each waited for the
   * other until the deadlock detector failed one, 409 {@code concurrent_update}.
   */
  @Test
  void anAcceptanceAndTheAppointmentOfTheInviteeAsGroupAdminBothSucceed(Vertx vertx) throws Exception {
    var admin = org.platformAdminToken();
    assertBothSucceed(vertx, (groupId, invitee) -> WebClient.create(vertx).put(org.port(), "127.0.0.1",
        "/v1/organization-groups/" + groupId + "/admins/" + invitee.id()).bearerTokenAuthentication(admin).send()
        .map(response -> {
          assertEquals(204, response.statusCode(), response.bodyAsString());
          return null;
        }));
  }

  /** {@link #anAcceptanceAndTheAppointmentOfTheInviteeAsGroupAdminBothSucceed}, appointed on the command line. */
  @Test
  void anAcceptanceAndTheOperatorsAppointmentOfTheInviteeAsGroupAdminBothSucceed(Vertx vertx) throws Exception {
    var ops = operator(vertx);
    assertBothSucceed(vertx, (groupId, invitee) -> ops.grantGroupAdmin(UUID.fromString(groupId), invitee.email()));
  }

  /** The command line's revocation of the invitee's group adminship, at once with their acceptance, waits for neither. */
  @Test
  void anAcceptanceAndTheOperatorsRevocationOfTheInviteesGroupAdminshipBothSucceed(Vertx vertx) throws Exception {
    var ops = operator(vertx);
    assertBothSucceed(vertx, (groupId, invitee) -> {
      ops.grantGroupAdmin(UUID.fromString(groupId), invitee.email()).await();
      return null;
    }, (groupId, invitee) -> ops.revokeGroupAdmin(UUID.fromString(groupId), invitee.email()));
  }

  private OperatorCommands operator(Vertx vertx) {
    return new OperatorCommands(vertx, Database.open(vertx, db, 1, List.of()).await(),
        new SigningSchedule(3600, 10_000, 75_000));
  }

  private void assertBothSucceed(Vertx vertx, BiFunction<String, OrgServiceHarness.Account, Future<?>> change)
      throws Exception {
    assertBothSucceed(vertx, (groupId, invitee) -> null, change);
  }

  /**
   * Accepts a manager's invitation into an organization of a new group while {@code change} changes the invitee's
   * adminship of the group (after {@code before}, unhurried): an unrelated change of the organization holds its row,
   * so the acceptance holds the invitee's row and waits; the change starts, and runs until it is done or waits too.
   */
  private void assertBothSucceed(Vertx vertx, BiFunction<String, OrgServiceHarness.Account, Void> before,
      BiFunction<String, OrgServiceHarness.Account, Future<?>> change) throws Exception {
    var admin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "acc " + UUID.randomUUID()))
        .bodyAsJsonObject();
    var groupId = group.getString("id");
    var owner = org.newVerifiedUser("owner");
    var orgId = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", "acc-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "Grouped")
            .put("groupId", groupId),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")))
        .bodyAsJsonObject().getString("id");
    var invitee = verifiedUser("appointee");
    before.apply(groupId, invitee);
    var id = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("manager"))).bodyAsJsonObject().getString("id");
    try (var holder = UncommittedTransaction.begin(db)) {
      holder.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", orgId);
      var accepted = WebClient.create(vertx).post(org.port(), "127.0.0.1", "/v1/invitations/" + id + "/accept")
          .bearerTokenAuthentication(invitee.token()).send();
      PgFixture.awaitLockWaits(db, 1);
      var changed = change.apply(groupId, invitee);
      Eventually.holds(() -> changed.isComplete() || PgFixture.lockWaits(db) >= 2, "the change neither ended nor waited");
      holder.commit();
      assertEquals(200, accepted.await().statusCode(), accepted.result().bodyAsString());
      changed.await();
    }
    assertEquals(List.of("manager"), rolesOf(invitee, orgId, owner));
  }

  @Test
  void invitingAgainRefreshesTheInvitationsLifetime() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    var id = invitationTo(email, orgId, owner);
    PgFixture.execute(db, "UPDATE org.invitations SET created_at = now() - interval '6 days', "
        + "expires_at = now() + interval '1 day' WHERE id = '" + id + "'");

    var again = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", email)).bodyAsJsonObject();
    assertEquals(id, again.getString("id"));
    var aMinuteAgo = Instant.now().minusSeconds(60);
    assertTrue(Instant.parse(again.getString("createdAt")).isAfter(aMinuteAgo), again.encode());
    assertTrue(Instant.parse(again.getString("expiresAt")).isAfter(aMinuteAgo.plus(Duration.ofDays(7))), again.encode());
    assertEquals(org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token()).bodyAsJsonObject(), again,
        "the answer is the invitation as stored, its organization included");
  }

  /**
   * Inviting an address again, written otherwise (the same without regard to case), makes the invitation anew for
   * the address as now written: the one answered, listed and recorded is the one mailed. It kept the address first
   * written while the mail went to the new one.
   */
  @Test
  void invitingAgainInOtherCaseAddressesTheInvitationAsNowWritten() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    var id = invitationTo(email, orgId, owner);
    PgFixture.execute(db, "UPDATE org.invitation_mails SET created_at = now() - interval '2 hours' WHERE org_id = '"
        + orgId + "'");

    var rewritten = email.toUpperCase(java.util.Locale.ROOT);
    var again = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", rewritten)).bodyAsJsonObject();
    assertEquals(id, again.getString("id"));
    assertEquals(rewritten, again.getString("email"));
    assertEquals(again, org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token()).bodyAsJsonObject());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.mail_outbox WHERE to_address = '" + rewritten
        + "'"), "mailed to the address it now has");
    assertEquals(rewritten, org.audited(owner.token(), orgId, "invitation.created").getJsonObject(0)
        .getJsonObject("details").getString("email"));
  }

  @Test
  void invitationsExpiredLongerThanTheGraceArePurgedBatchByBatch(Vertx vertx) {
    var orgId = newOrg(org.newVerifiedUser("owner"));
    var stale = BatchedPurge.BATCH + 500;
    var insert = "INSERT INTO org.invitations (id, org_id, email, roles, expires_at) SELECT gen_random_uuid(), '"
        + orgId + "', '%s-' || n || '@test.local', '{member}', now() - interval '%s' FROM generate_series(1, %d) n";
    PgFixture.execute(db, insert.formatted("stale", "30 days", stale), insert.formatted("in-grace", "6 days", 3),
        insert.formatted("pending", "-1 day", 2));
    var purge = InvitationRepository.expiredPurge(Database.open(vertx, db, 1, List.of()).await(), 7 * 86_400);

    assertEquals(stale, purge.run().await());
    assertEquals(5, PgFixture.queryLong(db, "SELECT count(*) FROM org.invitations WHERE org_id = '" + orgId + "'"));
    assertEquals(0, purge.run().await(), "nothing left to purge");
  }

  @Test
  void invitationsAreListedPageByPage() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("paged-invitee");
    var emails = List.of(freshEmail(), freshEmail(), invitee.email());
    emails.forEach(email -> assertEquals(201, org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        new JsonObject().put("email", email)).statusCode()));
    var otherOrg = newOrg(owner);
    assertEquals(201, org.post("/v1/organizations/" + otherOrg + "/invitations", owner.token(),
        new JsonObject().put("email", invitee.email())).statusCode());

    // ids are time-ordered but random within a millisecond: compared as sorted lists, each item once
    var listed = org.allPages("/v1/organizations/" + orgId + "/invitations", owner.token(), 2);
    assertEquals(emails.stream().sorted().toList(), listed.stream().map(i -> i.getString("email")).sorted().toList());
    var mine = org.allPages("/v1/users/me/invitations", invitee.token(), 1);
    assertEquals(Stream.of(orgId, otherOrg).sorted().toList(),
        mine.stream().map(i -> i.getJsonObject("organization").getString("id")).sorted().toList());
    assertProblem(org.get("/v1/organizations/" + orgId + "/invitations?limit=0", owner.token()), 400,
        "invalid_limit");

    var one = listed.get(0);
    var read = org.get("/v1/organizations/" + orgId + "/invitations/" + one.getString("id"), owner.token());
    assertEquals(one, read.bodyAsJsonObject());
    assertProblem(org.get("/v1/organizations/" + otherOrg + "/invitations/" + one.getString("id"), owner.token()), 404,
        "invitation_not_found");
    assertProblem(org.get("/v1/organizations/" + orgId + "/invitations/" + one.getString("id"), invitee.token()), 404,
        "organization_not_found");
  }

  @Test
  void theListFiltersByOneAddressWithoutRegardToCase() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var email = freshEmail();
    var id = invitationTo(email, orgId, owner);
    invitationTo(freshEmail(), orgId, owner);
    var otherOrg = newOrg(owner);
    invitationTo(email, otherOrg, owner);
    var path = "/v1/organizations/" + orgId + "/invitations?email=";

    var found = org.get(path + email.toUpperCase(java.util.Locale.ROOT), owner.token()).bodyAsJsonObject();
    assertEquals(List.of(id), found.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList(),
        "this organization's invitation of that address only: " + found.encode());
    assertNull(found.getValue("nextCursor"));
    assertEquals(0, org.get(path + freshEmail(), owner.token()).bodyAsJsonObject().getJsonArray("items").size());
    PgFixture.execute(db, "UPDATE org.invitations SET expires_at = now() - interval '1 day' WHERE id = '" + id + "'");
    assertEquals(0, org.get(path + email, owner.token()).bodyAsJsonObject().getJsonArray("items").size(),
        "an expired invitation is gone to the organization");

    for (var refused : List.of("", "%20", "not-an-address")) {
      assertProblem(org.get(path + refused, owner.token()), 400, "invalid_filter");
    }
    assertProblem(org.get(path + email + "&email=" + email, owner.token()), 400, "repeated_parameter");
    assertProblem(org.get(path + email + "&mail=" + email, owner.token()), 400, "unknown_parameter");
    assertProblem(org.get(path + email, org.newUser("stranger").token()), 404, "organization_not_found");
  }

  /** A team named in lower and in upper case is one team, named once: until session 35 the invitation named it twice. */
  @Test
  void aTeamNamedInTwoCasesIsNamedOnce() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var teamId = newTeam(orgId, owner, "core");
    var invited = invitation(owner, orgId, new JsonObject()
        .put("email", freshEmail()).put("groupIds", new JsonArray().add(teamId).add(teamId.toUpperCase())));
    assertEquals(new JsonArray().add(teamId), invited.getJsonArray("groupIds"));
    assertEquals(new JsonArray().add(teamId), invitationDetails(owner, orgId, "invitation.created")
        .getJsonArray("groupIds"));
  }

  @Test
  void unknownRolesAndGroupsAreRefused() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", freshEmail()).put("roles", new JsonArray().add("wizard"))), 422, "unknown_role");
    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", freshEmail()).put("groupIds", new JsonArray().add(UUID.randomUUID().toString()))), 422,
        "unknown_group");
    assertProblem(org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", "not-an-email")), 400, "validation_failed");
  }

  /**
   * An invitation names at most 500 roles and 500 teams, as a member add does (without bound, a refusal was as large
   * as the body); an unknown team's refusal names the first 20 of them (it named all of them, in its detail only).
   */
  @Test
  void anInvitationNamesAtMost500RolesAndTeamsAndARefusalAFewOfThem() {
    var owner = org.newVerifiedUser("owner");
    var invitations = "/v1/organizations/" + newOrg(owner) + "/invitations";
    var ids = new JsonArray();
    IntStream.range(0, 501).forEach(i -> ids.add(UUID.randomUUID().toString()));
    var roles = new JsonArray();
    IntStream.range(0, 501).forEach(i -> roles.add("role-" + i));
    assertInvalid(org.post(invitations, owner.token(), new JsonObject().put("email", freshEmail())
        .put("roles", roles).put("groupIds", ids)), "groupIds: must hold at most 500 items",
        "roles: must hold at most 500 items");

    var unknown = org.post(invitations, owner.token(), new JsonObject().put("email", freshEmail())
        .put("groupIds", new JsonArray(ids.getList().subList(0, 30))));
    assertProblem(unknown, 422, "unknown_group");
    var errors = unknown.bodyAsJsonObject().getJsonArray("errors");
    assertEquals(20, errors.size(), unknown.bodyAsString());
    assertEquals(new JsonObject().put("field", "groupIds").put("message", ids.getString(0)), errors.getJsonObject(0));
    assertTrue(unknown.bodyAsJsonObject().getString("detail").endsWith(" and 10 more"), unknown.bodyAsString());
  }

  @Test
  void inviteeDeclinesAndAdminsOrInviteeMayWithdraw() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("invitee");
    var outsider = org.newUser("outsider");
    var first = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        new JsonObject().put("email", invitee.email())).bodyAsJsonObject().getString("id");
    assertEquals(204, org.post("/v1/invitations/" + first + "/decline", invitee.token(), null).statusCode());
    var second = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        new JsonObject().put("email", invitee.email())).bodyAsJsonObject().getString("id");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + second,
        outsider.token(), null), 404, "invitation_not_found");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + second,
        invitee.token(), null).statusCode());
    var third = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
        new JsonObject().put("email", invitee.email())).bodyAsJsonObject().getString("id");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + third,
        owner.token(), null).statusCode());
  }

  @Test
  void onlyTheInviteeDeclinesAndNotOnceItHasExpired() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("decliner");
    var stranger = verifiedUser("stranger");
    var invited = invitation(owner, orgId, new JsonObject().put("email", invitee.email()));
    var id = invited.getString("id");

    assertProblem(org.post("/v1/invitations/" + id + "/decline", stranger.token(), null), 404, "invitation_not_found");
    assertProblem(org.post("/v1/invitations/" + UUID.randomUUID() + "/decline", invitee.token(), null), 404,
        "invitation_not_found");
    assertEquals(200, org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token()).statusCode(),
        "the invitation is still pending");

    PgFixture.execute(db, "UPDATE org.invitations SET expires_at = now() - interval '1 day' WHERE id = '" + id + "'");
    assertProblem(org.post("/v1/invitations/" + id + "/decline", invitee.token(), null), 410, "invitation_expired");
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.invitations WHERE id = '" + id + "'"),
        "a refused decline removes nothing");
  }

  /**
   * An admin's withdrawal decides on their rights under the organization's row lock, as inviting does: their demotion
   * under way, which holds the row, is waited for and then applies (403). Until session 35 the rights were read
   * unlocked, and the withdrawal went through with those the demotion was taking away.
   */
  @Test
  void anAdminsWithdrawalWaitsForTheirDemotionUnderWay() throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var manager = org.newVerifiedUser("manager");
    org.addMembers(orgId, List.of(manager.id()), "manager");
    var id = invitationTo(freshEmail(), orgId, owner);
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", orgId)
          .run("UPDATE org.memberships SET roles = '{viewer}' WHERE org_id = ?::uuid AND user_id = ?::uuid", orgId,
              manager.id());
      assertProblem(rival.commitOnceWaitedFor(() -> org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId
          + "/invitations/" + id, manager.token(), null)), 403, "forbidden");
    }
    assertEquals(200, org.get("/v1/organizations/" + orgId + "/invitations/" + id, owner.token()).statusCode(),
        "still pending");
  }

  @Test
  void neitherAnotherOrganizationNorAMemberWhoMayNotInviteWithdrawsAnInvitation() {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var other = org.newVerifiedUser("other-owner");
    var otherOrg = newOrg(other);
    var viewer = org.newUser("viewer");
    org.addMembers(orgId, List.of(viewer.id()), "viewer");
    var invited = invitation(owner, orgId, new JsonObject().put("email", freshEmail()));
    var id = invited.getString("id");

    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + otherOrg + "/invitations/" + id, other.token(),
        null), 404, "invitation_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + orgId + "/invitations/" + id, viewer.token(),
        null), 403, "forbidden");
    assertEquals(List.of(id), org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList(), "still pending");
  }

  /**
   * A custom role renamed while its invitation is being accepted: the acceptance is held in the middle (joining a
   * team whose row a side connection locks) while the rename is sent. The member ends with the new name.
   */
  @Test
  void aRoleRenamedDuringAnAcceptanceIsTheMembersNewName(Vertx vertx) throws Exception {
    var owner = org.newVerifiedUser("owner");
    var orgId = newOrg(owner);
    var invitee = verifiedUser("renamed");
    var role = org.post("/v1/organizations/" + orgId + "/roles", owner.token(), new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_organization_get"))).bodyAsJsonObject().getString("id");
    var team = org.post("/v1/organizations/" + orgId + "/groups", owner.token(),
        new JsonObject().put("name", "support")).bodyAsJsonObject().getString("id");
    var invitation = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(), new JsonObject()
        .put("email", invitee.email()).put("roles", new JsonArray().add("auditor")).put("groupIds", new JsonArray()
            .add(team))).bodyAsJsonObject().getString("id");
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.teams WHERE id = '" + team + "' FOR UPDATE").execute().await();

    var client = WebClient.create(vertx);
    var accepted = client.post(org.port(), "127.0.0.1", "/v1/invitations/" + invitation + "/accept")
        .bearerTokenAuthentication(invitee.token()).send();
    // each waits for a lock, the acceptance for the team, the rename for the acceptance: a fixed sleep a busy machine
    // outlasted let the rename in before the acceptance, and the race was not run
    PgFixture.awaitLockWaits(db, 1);
    var renamed = client.patch(org.port(), "127.0.0.1", "/v1/organizations/" + orgId + "/roles/" + role)
        .bearerTokenAuthentication(owner.token()).sendJsonObject(new JsonObject().put("name", "inspector"));
    PgFixture.awaitLockWaits(db, 2);
    lock.query("COMMIT").execute().await();
    Future.join(accepted, renamed).otherwiseEmpty().await();

    assertEquals(200, accepted.result().statusCode(), accepted.result().bodyAsString());
    assertEquals(200, renamed.result().statusCode(), renamed.result().bodyAsString());
    assertEquals(List.of("inspector"), rolesOf(invitee, orgId, owner));
  }
}
