package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountDeletionTest {

  private PgUrl db;
  private OrgServiceHarness org;
  private String admin;
  private Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    // a hook's deliveries are queued but never due while the test looks at them
    org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true")
        .put("ORGPLANE_HOOK_POLL_MILLIS", "3600000"));
    admin = org.platformAdminToken();
  }

  private HttpResponse<Buffer> deleteOwn(String token, String password) {
    return org.send(HttpMethod.DELETE, "/v1/users/me", token, new JsonObject().put("password", password));
  }

  private String newOrg(String ownerToken) {
    return org.createOrg(ownerToken, "del-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  @Test
  void aPersonDeletesTheirAccountAndLeavesEveryOrganizationWithTheirTrailsToldSo() {
    var owner = org.newUser("owner");
    var leaver = org.newUser("leaver");
    var first = newOrg(owner.token());
    var second = newOrg(owner.token());
    org.addMembers(first, List.of(leaver.id()), "viewer");
    org.addMembers(second, List.of(leaver.id()), "manager");
    var team = org.post("/v1/organizations/" + first + "/groups", owner.token(), new JsonObject().put("name", "support"))
        .bodyAsJsonObject().getString("id");
    assertEquals(200, org.post("/v1/organizations/" + first + "/groups/" + team + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add(leaver.id()))).statusCode());
    assertEquals(201, org.post("/v1/organizations/" + first + "/hooks", owner.token(), new JsonObject().put("name", "h")
        .put("url", "http://localhost:9/events").put("events", new JsonArray().add("member.removed"))).statusCode());

    assertProblem(deleteOwn(leaver.token(), "not-my-password"), 403, "wrong_password");
    assertEquals(204, deleteOwn(leaver.token(), "password-leaver-123").statusCode());

    assertProblem(org.get("/v1/users/me", leaver.token()), 401, "invalid_token");
    assertProblem(org.requestToken(leaver.email(), "password-leaver-123"), 400, "invalid_grant");
    for (var orgId : List.of(first, second)) {
      var members = org.get("/v1/organizations/" + orgId + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items");
      assertEquals(1, members.size(), members.encode());
      var trail = org.get("/v1/organizations/" + orgId + "/audit-events?action=member.removed", owner.token())
          .bodyAsJsonObject().getJsonArray("items");
      assertEquals(1, trail.size(), trail.encode());
      assertEquals("user:" + leaver.id(), trail.getJsonObject(0).getString("target"));
      assertEquals(leaver.id(), trail.getJsonObject(0).getString("actor"));
      assertEquals("account_deleted", trail.getJsonObject(0).getJsonObject("details").getString("reason"));
    }
    assertTrue(org.get("/v1/organizations/" + first + "/groups/" + team + "/users", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").isEmpty());
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.hook_deliveries d JOIN org.hook_payloads p "
        + "ON p.id = d.payload_id WHERE d.event = 'member.removed' AND d.org_id = '" + first + "' "
        + "AND p.payload->>'organizationId' = '" + first + "' AND p.payload->>'target' = 'user:"
        + leaver.id() + "'"), "the first organization's hook hears it");

    var listed = TokenRevocations.Snapshot.fromJson(org.get("/v1/token-revocations", org.engineToken()).bodyAsJsonObject());
    assertTrue(listed.sessionsEnded().containsKey(leaver.id()), "the engine will refuse the account's tokens too");
    var again = org.post("/v1/auth/register", null, new JsonObject().put("email", leaver.email())
        .put("password", "a-new-start-123"));
    assertEquals(201, again.statusCode(), "the address is free again");
    assertTrue(!again.bodyAsJsonObject().getString("id").equals(leaver.id()));
  }

  /**
   * The end of an account withdraws its invitations to the organizations it leaves, as leaving one does: they stayed,
   * and whoever registered the address again (its owner, verified) accepted them and came back with their roles, a
   * viewer as the manager they had once been invited as. An organization they were not in keeps its invitation to the
   * address, as it would for anyone without an account.
   */
  @Test
  void aDeletedAccountsInvitationsToItsOrganizationsAreWithdrawn() {
    var owner = org.newVerifiedUser("owner");
    var first = newOrg(owner.token());
    var second = newOrg(owner.token());
    var elsewhere = newOrg(owner.token());
    var leaver = org.newVerifiedUser("leaver");
    var invitations = new java.util.HashMap<String, String>();
    for (var orgId : List.of(first, second, elsewhere)) {
      var invited = org.post("/v1/organizations/" + orgId + "/invitations", owner.token(),
          new JsonObject().put("email", leaver.email()).put("roles", new JsonArray().add("manager")));
      assertEquals(201, invited.statusCode(), invited.bodyAsString());
      invitations.put(orgId, invited.bodyAsJsonObject().getString("id"));
    }
    org.addMembers(first, List.of(leaver.id()), "viewer");
    org.addMembers(second, List.of(leaver.id()), "viewer");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/" + leaver.id(), admin, null).statusCode());

    for (var orgId : List.of(first, second)) {
      assertTrue(org.get("/v1/organizations/" + orgId + "/invitations", owner.token()).bodyAsJsonObject()
          .getJsonArray("items").isEmpty());
      var withdrawn = org.audited(owner.token(), orgId, "invitation.deleted");
      assertEquals(1, withdrawn.size(), withdrawn.encode());
      assertEquals("invitation:" + invitations.get(orgId), withdrawn.getJsonObject(0).getString("target"));
      assertEquals(new JsonObject().put("reason", "account_deleted").put("userId", leaver.id()),
          withdrawn.getJsonObject(0).getJsonObject("details"));
    }
    assertEquals(List.of(invitations.get(elsewhere)), org.get("/v1/organizations/" + elsewhere + "/invitations",
        owner.token()).bodyAsJsonObject().getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getString("id")).toList());
  }

  private String nameOf(String orgId, String token) {
    return org.get("/v1/organizations/" + orgId, token).bodyAsJsonObject().getString("name");
  }

  @Test
  void theLastOwnerOfAnOrganizationCannotLeaveItOwnerless() {
    var owner = org.newUser("sole");
    var orgId = newOrg(owner.token());
    var name = org.get("/v1/organizations/" + orgId, owner.token()).bodyAsJsonObject().getString("name");

    // a service user made owner before session 17 refused them owners: it is no one to hand the organization to
    var bot = org.post("/v1/organizations/" + orgId + "/service-users", owner.token(), new JsonObject()
        .put("name", "old-owner-bot").put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    PgFixture.execute(db, "UPDATE org.memberships SET roles = '{owner}' WHERE user_id = '" + bot + "'");

    var refused = deleteOwn(owner.token(), "password-sole-123");

    assertProblem(refused, 409, "last_owner");
    assertTrue(refused.bodyAsJsonObject().getString("detail").contains(name), refused.bodyAsString());
    assertEquals(200, org.get("/v1/organizations/" + orgId, owner.token()).statusCode(), "nothing changed");
    var heir = org.newUser("heir");
    org.addMembers(orgId, List.of(heir.id()), "owner");
    assertEquals(204, deleteOwn(owner.token(), "password-sole-123").statusCode());
    assertEquals(200, org.get("/v1/organizations/" + orgId, heir.token()).statusCode());
  }

  /**
   * The last owner is refused whatever password comes, none of them checked: the token alone learns as much (leaving
   * the organization is refused so too), and a refusal known without the password holds no hashing thread. Until
   * session 39 each was a bcrypt first, and a wrong password answered 403 {@code wrong_password}, counted as a failure.
   */
  @Test
  void theLastOwnerIsRefusedBeforeTheirPasswordIsChecked() {
    var owner = org.newUser("unhashed");
    newOrg(owner.token());

    for (int i = 0; i <= SignInThrottle.FREE_FAILURES; i++) {
      assertProblem(deleteOwn(owner.token(), "not-it-" + i), 409, "last_owner");
    }

    assertEquals(200, org.requestToken(owner.email(), "password-unhashed-123").statusCode(),
        "no password was checked, so no failure was counted");
  }

  /**
   * The refusal tells the last owner what frees them, which for a disabled organization is not handing it over or
   * deleting it: it refuses both to its members. One an operator disabled only that operator can enable (or delete);
   * until session 31 the answer told them to do what they could not.
   */
  @Test
  void theLastOwnerOfADisabledOrganizationIsToldWhoMustEnableItFirst() {
    var owner = org.newUser("suspended");
    var open = newOrg(owner.token());
    var ownDisabled = newOrg(owner.token());
    var suspended = newOrg(owner.token());
    assertEquals(200, org.post("/v1/organizations/" + ownDisabled + "/disable", owner.token(), null).statusCode());
    assertEquals(200, org.post("/v1/organizations/" + suspended + "/disable", admin,
        new JsonObject().put("reason", "unpaid")).statusCode());
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + suspended, owner.token(), null), 403,
        "organization_disabled");

    var refused = deleteOwn(owner.token(), "password-suspended-123");

    assertProblem(refused, 409, "last_owner");
    var detail = refused.bodyAsJsonObject().getString("detail");
    assertTrue(detail.contains(nameOf(open, owner.token()) + ": give each another owner, or delete it, first."),
        detail);
    assertTrue(detail.contains(nameOf(ownDisabled, owner.token()) + ": disabled by its owners, who must enable it "
        + "first"), detail);
    assertTrue(detail.contains(nameOf(suspended, owner.token()) + ": disabled by an operator, its group's admin or a "
        + "platform admin, who must enable it (or delete it) first"), detail);
  }

  @Test
  void twoOwnersLeavingAtOnceLeaveOneBehind() {
    var first = org.newUser("twin-a");
    var second = org.newUser("twin-b");
    var orgId = newOrg(first.token());
    org.addMembers(orgId, List.of(second.id()), "owner");

    var answers = IntStream.range(0, 2).parallel().mapToObj(i -> i == 0
        ? deleteOwn(first.token(), "password-twin-a-123") : deleteOwn(second.token(), "password-twin-b-123"))
        .map(HttpResponse::statusCode).sorted().toList();

    assertEquals(List.of(204, 409), answers);
    var owners = org.get("/v1/organizations/" + orgId + "/users", admin).bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, owners.size(), owners.encode());
  }

  /** The platform admins' rows, held while a platform admin is deleted, keep one of two deleting each other. */
  @Test
  void twoLastPlatformAdminsDeletingThemselvesAtOnceLeaveOneBehind() {
    var first = org.newUser("admin-twin-a");
    var second = org.newUser("admin-twin-b");
    PgFixture.execute(db, "UPDATE org.users SET platform_admin = true WHERE id IN ('" + first.id() + "', '"
        + second.id() + "')");
    PgFixture.execute(db, "UPDATE org.users SET platform_admin = false WHERE email = '" + OrgServiceHarness.ADMIN_EMAIL
        + "'");
    try {
      var answers = IntStream.range(0, 2).parallel().mapToObj(i -> i == 0
          ? deleteOwn(first.token(), "password-admin-twin-a-123")
          : deleteOwn(second.token(), "password-admin-twin-b-123")).toList();
      assertEquals(List.of(204, 409), answers.stream().map(HttpResponse::statusCode).sorted().toList());
      assertProblem(answers.stream().filter(answer -> answer.statusCode() == 409).findFirst().orElseThrow(), 409,
          "last_platform_admin");
      assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM org.users WHERE platform_admin"));
    } finally {
      PgFixture.execute(db, "UPDATE org.users SET platform_admin = true WHERE email = '"
          + OrgServiceHarness.ADMIN_EMAIL + "'");
    }
  }

  @Test
  void platformAdminsDeleteOthersAndNobodyElseDoes() {
    var person = org.newUser("person");
    var stranger = org.newUser("stranger");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/" + person.id(), stranger.token(), null), 403, "forbidden");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/" + person.id(), admin, null).statusCode());

    assertProblem(org.get("/v1/users/me", person.token()), 401, "invalid_token");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/" + person.id(), admin, null), 404, "user_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/not-a-uuid", admin, null), 400, "validation_failed");
    var me = org.get("/v1/users/me", admin).bodyAsJsonObject().getString("id");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/" + me, admin, null), 409, "last_platform_admin");
  }

  /**
   * A deleted account's group admin rights end with it, each audited as revoked by whoever deleted it, with the
   * reason: until session 35 its foreign key took them and nothing was recorded, though revoking admins is audited.
   */
  @Test
  void aDeletedAccountsGroupAdminRightsAreRecordedAsRevoked() {
    var owner = org.newUser("owner");
    var leaver = org.newVerifiedUser("leaving-group-admin");
    var removed = org.newVerifiedUser("removed-group-admin");
    var groups = List.of(newGroupAdministeredBy(owner, leaver, removed), newGroupAdministeredBy(owner, leaver, removed))
        .stream().sorted().toList();
    var platformAdminId = org.get("/v1/users/me", admin).bodyAsJsonObject().getString("id");

    assertEquals(204, deleteOwn(leaver.token(), "password-leaving-group-admin-123").statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/" + removed.id(), admin, null).statusCode());

    assertEquals(groups.stream().map(g -> leaver.id() + " " + g + " account_deleted").toList(),
        revocations(leaver.id()));
    assertEquals(groups.stream().map(g -> platformAdminId + " " + g + " account_deleted").toList(),
        revocations(removed.id()));
  }

  /**
   * The create key a group admin rotated is voided with their account, audited by whoever deleted it: the key they
   * handed out must not go on adding organizations to a group that no longer has them as its admin.
   */
  @Test
  void aDeletedGroupAdminsCreateKeyIsVoided() {
    var owner = org.newUser("key-owner");
    var leaver = org.newVerifiedUser("key-rotating-admin");
    var groupId = newGroupAdministeredBy(owner, leaver);
    var key = org.post("/v1/organization-groups/" + groupId + "/create-key", leaver.token(), null).bodyAsJsonObject()
        .getString("createKey");

    assertEquals(204, deleteOwn(leaver.token(), "password-key-rotating-admin-123").statusCode());

    assertProblem(org.send(HttpMethod.POST, "/v1/organizations", org.newUser("key-holder").token(), new JsonObject()
        .put("name", "del-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "T").put("groupId", groupId),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", key)), 403, "create_key_invalid");
    assertEquals(leaver.id() + " account_deleted", PgFixture.queryString(db, "SELECT string_agg(actor || ' ' "
        + "|| (details->>'reason'), ',') FROM org.audit_events WHERE action = 'organization_group.create_key_voided' "
        + "AND details->>'rotatedBy' = '" + leaver.id() + "' AND target = 'organization_group:" + groupId + "'"));
  }

  private String newGroupAdministeredBy(OrgServiceHarness.Account owner, OrgServiceHarness.Account... admins) {
    var groupId = org.createOrg(owner.token(), "del-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("groupId");
    for (var groupAdmin : admins) {
      assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + groupAdmin.id(),
          admin, null).statusCode());
    }
    return groupId;
  }

  /** The revocations of {@code userId}'s group admin rights: actor, group and reason, by group. */
  private List<String> revocations(String userId) {
    var all = PgFixture.queryString(db, "SELECT string_agg(actor || ' ' || (details->>'groupId') || ' ' "
        + "|| (details->>'reason'), ',' ORDER BY details->>'groupId') FROM org.audit_events "
        + "WHERE action = 'organization_group.admin_revoked' AND org_id IS NULL AND target = 'user:" + userId + "'");
    return all == null ? List.of() : List.of(all.split(","));
  }

  @Test
  void guessingThePasswordToDeleteAnAccountIsThrottled() throws Throwable {
    ThrottleWait.retried(() -> {
      var person = org.newUser("guarded");
      for (int i = 1; i < SignInThrottle.FREE_FAILURES; i++) {
        assertProblem(deleteOwn(person.token(), "not-it-" + i), 403, "wrong_password");
      }
      var wait = ThrottleWait.opening(1);
      assertProblem(deleteOwn(person.token(), "not-it-either"), 403, "wrong_password");

      var throttled = wait.within(deleteOwn(person.token(), "password-guarded-123"));

      assertProblem(throttled, 429, "sign_in_throttled");
      assertEquals("1", throttled.getHeader("Retry-After"));
      assertEquals(200, org.get("/v1/users/me", person.token()).statusCode(), "the account is still there");
    });
  }

  /** A deletion that waits for the account's row while a reset by mail commits is refused: the password is gone. */
  @Test
  void aDeletionThatWaitedWhileAResetCommittedIsRefused() throws Exception {
    var person = org.newUser("reset-deleted");
    try (var reset = UncommittedTransaction.begin(db)) {
      reset.run(AccountSecurityTest.RESET_ELSEWHERE, AccountSecurityTest.resetHash(vertx), person.id());
      assertProblem(reset.commitOnceWaitedFor(() -> deleteOwn(person.token(), "password-reset-deleted-123")), 403,
          "wrong_password");
    }
    assertEquals(200, org.requestToken(person.email(), "owners-new-password-1").statusCode(), "the account is still there");
  }

  /**
   * A group admin's scoped token asked for while the deletion waits for one of the account's organizations waits for
   * the deletion (it holds the account's row shared to stamp the token) and is refused. Until session 32 it needed no
   * lock on the account and was issued meanwhile; the revocation list still ended it, as it ends the tokens issued
   * without that lock (a service user's, an exchanged access token): their end is taken by the clock tokens are
   * stamped with once the deletion no longer waits.
   */
  @Test
  void aScopedTokenAskedForWhileTheDeletionWaitsIsRefused() throws Exception {
    var owner = org.newUser("owner");
    var leaver = org.newVerifiedUser("waited");
    var waitedFor = newOrg(owner.token());
    org.addMembers(waitedFor, List.of(leaver.id()), "viewer");
    var administered = org.createOrg(owner.token(), "del-" + UUID.randomUUID().toString().substring(0, 8));
    var groupId = administered.getString("groupId");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + leaver.id(), admin,
        null).statusCode());
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("SELECT FROM org.organizations WHERE id = ?::uuid FOR UPDATE", waitedFor);
      var deletion = CompletableFuture.supplyAsync(() -> deleteOwn(leaver.token(), "password-waited-123"),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(db, 1);
      var scoped = CompletableFuture.supplyAsync(() -> org.post("/v1/organization-groups/" + groupId
          + "/organizations/" + administered.getString("id") + "/token", leaver.token(), null),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(db, 2);
      rival.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
      assertProblem(scoped.get(10, TimeUnit.SECONDS), 401, "invalid_token");
    }
  }

  /**
   * A platform admin's deletion and another platform admin accepting an invitation into one of the account's
   * organizations, at once: the acceptance holds the admin's row, then the organization's; the deletion waits for the
   * admin's row (every platform admin's is locked when the account is one, for the last one's check) and is made once
   * the acceptance commits. Until session 33 it locked the admins' rows after the organizations', so each waited for
   * the other and one failed 409 concurrent_update.
   */
  @Test
  void aPlatformAdminsDeletionWaitsForAnotherJoiningOneOfItsOrganizations() throws Exception {
    var owner = org.newUser("owner");
    var leaver = org.newUser("leaving-admin-org");
    PgFixture.execute(db, "UPDATE org.users SET platform_admin = true WHERE id = '" + leaver.id() + "'");
    var shared = newOrg(owner.token());
    org.addMembers(shared, List.of(leaver.id()), "viewer");
    var adminId = org.get("/v1/users/me", admin).bodyAsJsonObject().getString("id");
    try (var accepting = UncommittedTransaction.begin(db)) {
      accepting.run("SELECT FROM org.users WHERE id = ?::uuid FOR SHARE", adminId);
      var deletion = CompletableFuture.supplyAsync(() -> deleteOwn(leaver.token(), "password-leaving-admin-org-123"),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(db, 1);
      accepting.run("SELECT FROM org.organizations WHERE id = ?::uuid FOR SHARE", shared);
      accepting.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
    }
  }

  /**
   * A platform admin makes a secret for a service user of an organization whose member's account is being deleted:
   * the secret's statement waits for the service user's row, held here, holding the organization; the deletion waits
   * for the organization. Both are made, one after the other. Until session 39 the deletion held every platform
   * admin's row FOR UPDATE, which the secret's foreign key to its maker waited for, and one of them failed 409
   * concurrent_update.
   */
  @Test
  void aPlatformAdminsNewSecretAndAMembersDeletionInItsOrganizationAreBothMade() throws Exception {
    var owner = org.newUser("owner");
    var leaver = org.newUser("leaving-secret");
    var orgId = newOrg(owner.token());
    org.addMembers(orgId, List.of(leaver.id()), "viewer");
    var serviceUsers = "/v1/organizations/" + orgId + "/service-users";
    var sid = org.post(serviceUsers, owner.token(), new JsonObject().put("name", "bot").put("roles",
        new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("SELECT FROM org.users WHERE id = ?::uuid FOR UPDATE", sid);
      var secret = inThread(() -> org.post(serviceUsers + "/" + sid + "/credentials", admin, null));
      PgFixture.awaitLockWaits(db, 1);
      var deletion = inThread(() -> org.send(HttpMethod.DELETE, "/v1/users/" + leaver.id(), admin, null));
      PgFixture.awaitLockWaits(db, 2);
      rival.commit();
      var made = secret.get(20, TimeUnit.SECONDS);
      assertEquals(201, made.statusCode(), made.bodyAsString());
      var deleted = deletion.get(20, TimeUnit.SECONDS);
      assertEquals(204, deleted.statusCode(), deleted.bodyAsString());
    }
  }

  /**
   * A platform admin signs in while the deletion of an account that is none waits for one of its organizations, and
   * is answered at once: until session 39 every deletion held every platform admin's row until it ended, and their
   * sign-ins and refreshes waited for it.
   */
  @Test
  void aPlatformAdminSignsInWhileAnotherAccountsDeletionWaits() throws Exception {
    var owner = org.newUser("owner");
    var leaver = org.newUser("leaving-slowly");
    var waitedFor = newOrg(owner.token());
    org.addMembers(waitedFor, List.of(leaver.id()), "viewer");
    try (var rival = UncommittedTransaction.begin(db)) {
      rival.run("SELECT FROM org.organizations WHERE id = ?::uuid FOR UPDATE", waitedFor);
      var deletion = inThread(() -> deleteOwn(leaver.token(), "password-leaving-slowly-123"));
      PgFixture.awaitLockWaits(db, 1);
      var signIn = inThread(() -> org.requestToken(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD));
      assertEquals(200, signIn.get(10, TimeUnit.SECONDS).statusCode(), "the sign-in waited for the deletion");
      rival.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
    }
  }

  private static CompletableFuture<HttpResponse<Buffer>> inThread(Supplier<HttpResponse<Buffer>> request) {
    return CompletableFuture.supplyAsync(request, task -> new Thread(task).start());
  }

  @Test
  void theLastPlatformAdminCannotDeleteTheirOwnAccount() {
    assertProblem(deleteOwn(admin, OrgServiceHarness.ADMIN_PASSWORD), 409, "last_platform_admin");
    assertTrue(org.get("/v1/users/me", admin).bodyAsJsonObject().getBoolean("platformAdmin"));
    assertEquals(200, org.requestToken(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD).statusCode());
  }

  @Test
  void badDeletionsAreRefused() {
    var person = org.newUser("careful");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/me", person.token(), null), 400, "body_required");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/me", person.token(), new JsonObject()), 400, "validation_failed");
    assertProblem(deleteOwn(null, "password-careful-123"), 401, "invalid_token");
    var bot = org.newServiceUser("bot");
    assertProblem(deleteOwn(bot.token(), "anything"), 403, "no_password");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/users/" + UUID.randomUUID(), admin, null), 404, "user_not_found");
    assertEquals(200, org.get("/v1/users/me", person.token()).statusCode(), "nothing was deleted");
  }
}
