package dev.orgplane.org.group;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static dev.orgplane.org.group.GroupCalls.GROUPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Naming, renaming and deleting organization groups, and listing their admins. */
class OrganizationGroupChangesTest extends GroupsTest {

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpResponse<Buffer> rename(String groupId, String token, String name) {
    return org.send(HttpMethod.PATCH, GROUPS + "/" + groupId, token, new JsonObject().put("name", name));
  }

  private static MultiMap ifMatch(String tag) {
    return MultiMap.caseInsensitiveMultiMap().add("If-Match", tag);
  }

  private long audited(String action, String groupId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE action = '" + action
        + "' AND target = 'organization_group:" + groupId + "'");
  }

  private static String fieldError(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message");
  }

  @Test
  void namesAreTrimmedAndTakenRegardlessOfCase() {
    var name = unique("Acme Tenants");
    var created = calls.create("  " + name + "\t");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(name, created.bodyAsJsonObject().getString("name"));
    for (var same : List.of(name, name.toUpperCase(), " " + name.toLowerCase() + " ")) {
      assertProblem(calls.create(same), 409, "organization_group_name_taken");
    }
    var longest = "n".repeat(GroupName.MAX_LENGTH - 8) + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, calls.create("  " + longest + "  ").statusCode(), "the limit is the trimmed name's");
  }

  @Test
  void aBlankOrOverLongNameIsRefusedByField() {
    for (var blank : List.of("", "   ", "\t\n")) {
      var refused = calls.create(blank);
      assertProblem(refused, 400, "validation_failed");
      assertEquals("must not be blank", fieldError(refused));
    }
    var tooLong = calls.create("x".repeat(GroupName.MAX_LENGTH + 1));
    assertProblem(tooLong, 400, "validation_failed");
    assertEquals("must be at most 256 characters", fieldError(tooLong));
  }

  /**
   * A name is one line, as an organization's title is: a line break or an escape sequence in it was stored, and shown
   * as the sender wrote it (until session 35). Blanks around it are trimmed, as before, tabs and line breaks included.
   */
  @Test
  void aNameWithAControlCharacterIsRefusedByField() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("control-admin");
    calls.appoint(gid, admin.id());
    for (var name : List.of("line one\nline two " + unique("n"), "\u001b[31m red " + unique("n"),
        unique("tab") + "\there", unique("del") + "\u007f", unique("c1") + "\u0085")) {
      for (var refused : List.of(calls.create(name), rename(gid, admin.token(), name))) {
        assertProblem(refused, 400, "validation_failed");
        assertEquals("name", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
        assertEquals("must be one line, without control characters (line breaks, tabs)", fieldError(refused));
      }
    }
    assertEquals(0, audited("organization_group.renamed", gid));
  }

  @Test
  void aGroupAdminOrAPlatformAdminRenamesTheGroup() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("renaming-admin");
    calls.appoint(gid, admin.id());

    var byAdmin = unique("Renamed");
    var renamed = rename(gid, admin.token(), " " + byAdmin + " ");
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(byAdmin, renamed.bodyAsJsonObject().getString("name"));
    var read = org.get(GROUPS + "/" + gid, admin.token());
    assertEquals(byAdmin, read.bodyAsJsonObject().getString("name"));
    assertEquals(read.getHeader("ETag"), renamed.getHeader("ETag"), "the answer is the group as it is now");
    assertEquals(1, audited("organization_group.renamed", gid));

    assertEquals(200, rename(gid, admin.token(), byAdmin.toUpperCase()).statusCode(), "its own name in other case");
    assertEquals(200, rename(gid, platformAdmin, byAdmin).statusCode());
    assertEquals(3, audited("organization_group.renamed", gid));
    assertEquals(200, rename(gid, platformAdmin, byAdmin).statusCode());
    assertEquals(3, audited("organization_group.renamed", gid), "a name it has already is no change");
  }

  @Test
  void aRenameNeedsAFreeValidNameAndTheCurrentTag() {
    var gid = calls.newGroup().getString("id");
    var other = calls.newGroup().getString("name");
    var before = org.get(GROUPS + "/" + gid, platformAdmin);
    var tag = before.getHeader("ETag");

    assertProblem(rename(gid, platformAdmin, other.toLowerCase()), 409, "organization_group_name_taken");
    assertProblem(rename(gid, platformAdmin, "  "), 400, "validation_failed");
    for (var bad : List.of(new JsonObject(), new JsonObject().put("name", "ok").put("createKey", "ock_x"),
        new JsonObject().put("name", 12))) {
      assertProblem(org.send(HttpMethod.PATCH, GROUPS + "/" + gid, platformAdmin, bad), 400, "validation_failed");
    }
    assertProblem(org.send(HttpMethod.PATCH, GROUPS + "/" + gid, platformAdmin,
        new JsonObject().put("name", unique("Stale")), ifMatch("\"an-older-tag\"")), 412, "precondition_failed");
    assertEquals(before.bodyAsString(), org.get(GROUPS + "/" + gid, platformAdmin).bodyAsString(), "nothing changed");

    var current = org.send(HttpMethod.PATCH, GROUPS + "/" + gid, platformAdmin,
        new JsonObject().put("name", unique("Fresh")), ifMatch(tag));
    assertEquals(200, current.statusCode(), current.bodyAsString());
    assertNotEquals(tag, current.getHeader("ETag"));
  }

  /** A name sent as null is told so, as every PATCH tells a null for a field that takes none (it was "is required"). */
  @Test
  void aRenameSendingTheNameAsNullIsRefusedAndChangesNothing() {
    var gid = calls.newGroup().getString("id");
    org.assertPatchRefused(GROUPS + "/" + gid, platformAdmin, new JsonObject().putNull("name"),
        "name: must not be null");
    assertEquals(0, audited("organization_group.renamed", gid));
  }

  /**
   * Outsiders are told the group does not exist, as its reads tell them, whatever they send; platform admins learn it
   * does not.
   */
  @Test
  void outsidersNeitherRenameNorListAdmins() {
    var gid = calls.newGroup().getString("id");
    var outsider = org.newUser("outsider");
    var admin = org.newVerifiedUser("scoped-admin");
    calls.appoint(gid, admin.id());
    var orgId = org.send(HttpMethod.POST, "/v1/organizations", admin.token(), new JsonObject()
        .put("name", unique("scoped")).put("title", "t").put("groupId", gid)).bodyAsJsonObject().getString("id");
    var scoped = org.post(GROUPS + "/" + gid + "/organizations/" + orgId + "/token", admin.token(), null)
        .bodyAsJsonObject().getString("access_token");

    for (var token : List.of(outsider.token(), scoped)) {
      assertProblem(rename(gid, token, unique("Taken over")), 404, "organization_group_not_found");
      // nor does a body the group's admin would be refused tell them the group is there
      assertProblem(rename(gid, token, ""), 404, "organization_group_not_found");
      assertProblem(org.send(HttpMethod.PATCH, GROUPS + "/" + gid, token, new JsonObject().put("owner", "me")), 404,
          "organization_group_not_found");
      assertProblem(org.get(GROUPS + "/" + gid + "/admins", token), 404, "organization_group_not_found");
    }
    var unknown = UUID.randomUUID().toString();
    assertProblem(rename(unknown, platformAdmin, unique("Nobody")), 404, "organization_group_not_found");
    assertProblem(org.get(GROUPS + "/" + unknown + "/admins", platformAdmin), 404, "organization_group_not_found");
    assertProblem(org.get(GROUPS + "/not-an-id/admins", platformAdmin), 400, "validation_failed");
  }

  @Test
  void theAdminListPagesThroughTheGroupsAdmins() {
    var gid = calls.newGroup().getString("id");
    var admins = List.of(org.newVerifiedUser("first"), org.newVerifiedUser("second"), org.newVerifiedUser("third"));
    admins.forEach(admin -> calls.appoint(gid, admin.id()));
    var bystander = calls.newGroup().getString("id");
    calls.appoint(bystander, org.newVerifiedUser("elsewhere").id());

    var first = org.get(GROUPS + "/" + gid + "/admins?limit=2", admins.get(0).token()).bodyAsJsonObject();
    assertEquals(2, first.getJsonArray("items").size());
    var rest = org.get(GROUPS + "/" + gid + "/admins?limit=2&cursor=" + first.getString("nextCursor"), platformAdmin)
        .bodyAsJsonObject();
    assertNull(rest.getString("nextCursor"));
    var listed = org.allPages(GROUPS + "/" + gid + "/admins", platformAdmin, 2);
    var expected = admins.stream().sorted((a, b) -> UUID.fromString(a.id()).compareTo(UUID.fromString(b.id())))
        .map(a -> new JsonObject().put("userId", a.id()).put("email", a.email()).put("name", a.email().split("-")[0]))
        .toList();
    assertEquals(expected, listed, "every admin once, in id order, with email and name, and no one else");
    assertEquals(expected.subList(0, 2), first.getJsonArray("items").stream().toList(), "the first page");

    assertProblem(org.get(GROUPS + "/" + gid + "/admins?cursor=bm90LWFuLWlk", platformAdmin), 400, "invalid_cursor");
    assertProblem(org.get(GROUPS + "/" + gid + "/admins?limit=0", platformAdmin), 400, "invalid_limit");
  }

  /** Appointing an admin of the group again is no change: 204, and no second {@code admin_granted} is recorded. */
  @Test
  void appointingAnAdminAgainRecordsNothing() {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("appointed-twice");
    calls.appoint(gid, admin.id());
    calls.appoint(gid, admin.id());
    assertEquals(1, auditedAdminChanges("organization_group.admin_granted", gid, admin.id()));
    assertEquals(List.of(admin.id()), org.allPages(GROUPS + "/" + gid + "/admins", platformAdmin, 10).stream()
        .map(listed -> listed.getString("userId")).toList());

    assertEquals(204, org.send(HttpMethod.DELETE, GROUPS + "/" + gid + "/admins/" + admin.id(), platformAdmin, null)
        .statusCode());
    assertEquals(1, auditedAdminChanges("organization_group.admin_revoked", gid, admin.id()));
    calls.appoint(gid, admin.id());
    assertEquals(2, auditedAdminChanges("organization_group.admin_granted", gid, admin.id()), "a new grant is news");
  }

  /**
   * Anyone can register any address: an account nobody confirmed may be a stranger's registration under the address
   * of the person the platform admin means, and a group admin holds every organization of the group. It is refused
   * (403 {@code email_not_verified}), nothing changed, and appointed once its owner has confirmed the address; one
   * made an admin before the rule stays one when appointed again, as a platform admin does.
   */
  @Test
  void anAccountWhoseAddressIsNotVerifiedIsNotMadeAGroupAdmin() {
    var gid = calls.newGroup().getString("id");
    var registered = org.newUser("unverified");
    var appointment = GROUPS + "/" + gid + "/admins/" + registered.id();

    var refused = org.send(HttpMethod.PUT, appointment, platformAdmin, null);

    assertProblem(refused, 403, "email_not_verified");
    assertTrue(refused.bodyAsJsonObject().getString("detail")
        .startsWith(registered.id() + "'s address is not verified: "), refused.bodyAsString());
    assertEquals(List.of(), org.allPages(GROUPS + "/" + gid + "/admins", platformAdmin, 10));
    assertEquals(0, auditedAdminChanges("organization_group.admin_granted", gid, registered.id()));

    PgFixture.execute(org.db(), "UPDATE org.users SET email_verified_at = now() WHERE id = '" + registered.id() + "'");
    calls.appoint(gid, registered.id());
    assertEquals(200, org.get(GROUPS + "/" + gid, registered.token()).statusCode(), "appointed once verified");

    var before = org.newUser("appointed-before");
    PgFixture.execute(org.db(), "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + gid + "', '"
        + before.id() + "')");
    calls.appoint(gid, before.id());
    assertEquals(200, org.get(GROUPS + "/" + gid, before.token()).statusCode(), "left an admin");
  }

  private long auditedAdminChanges(String action, String groupId, String userId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE action = '" + action
        + "' AND target = 'user:" + userId + "' AND details->>'groupId' = '" + groupId + "'");
  }

  @Test
  void onlyAPlatformAdminDeletesAGroupAndOnlyAnEmptyOne() {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var admin = org.newVerifiedUser("deleted-groups-admin");
    calls.appoint(gid, admin.id());
    var owner = org.newUser("tenant-owner");
    var tenant = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", unique("tenant")).put("title", "t").put("groupId", gid),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey")))
        .bodyAsJsonObject().getString("id");

    for (var refused : List.of(admin.token(), owner.token())) {
      assertProblem(org.send(HttpMethod.DELETE, GROUPS + "/" + gid, refused, null), 403, "forbidden");
      assertProblem(org.send(HttpMethod.DELETE, GROUPS + "/" + UUID.randomUUID(), refused, null), 403, "forbidden");
    }
    assertProblem(org.send(HttpMethod.DELETE, GROUPS + "/" + UUID.randomUUID(), platformAdmin, null), 404,
        "organization_group_not_found");
    assertProblem(org.send(HttpMethod.DELETE, GROUPS + "/" + gid, platformAdmin, null), 409, "group_not_empty");
    assertEquals(200, org.get(GROUPS + "/" + gid, admin.token()).statusCode(), "the group and its admins stay");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + tenant, owner.token(), null).statusCode());
    assertProblem(org.send(HttpMethod.DELETE, GROUPS + "/" + gid, platformAdmin, null, ifMatch("\"stale\"")), 412,
        "precondition_failed");
    var tag = org.get(GROUPS + "/" + gid, platformAdmin).getHeader("ETag");
    assertEquals(204, org.send(HttpMethod.DELETE, GROUPS + "/" + gid, platformAdmin, null, ifMatch(tag)).statusCode());

    assertProblem(org.get(GROUPS + "/" + gid, platformAdmin), 404, "organization_group_not_found");
    assertFalse(org.allPages(GROUPS, admin.token(), 500).stream().anyMatch(g -> gid.equals(g.getString("id"))));
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.group_admins WHERE group_id = '" + gid + "'"));
    assertEquals(1, audited("organization_group.deleted", gid));
    assertProblem(org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", unique("late")).put("title", "t").put("groupId", gid),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey"))), 403,
        "create_key_invalid");
    assertEquals(201, calls.create(group.getString("name")).statusCode(), "its name is free again");
  }

  /**
   * A deleted group's admins go with it, each audited as revoked by the platform admin who deleted it, with the
   * reason, in the deletion's transaction: until session 35 the group's foreign key took them, and nothing was
   * recorded, though revoking admins is audited.
   */
  @Test
  void aDeletedGroupsAdminsAreRecordedAsRevoked() {
    var gid = calls.newGroup().getString("id");
    var admins = List.of(org.newVerifiedUser("first-of-deleted"), org.newVerifiedUser("second-of-deleted"));
    admins.forEach(admin -> calls.appoint(gid, admin.id()));
    var platformAdminId = org.get("/v1/users/me", platformAdmin).bodyAsJsonObject().getString("id");

    assertEquals(204, org.send(HttpMethod.DELETE, GROUPS + "/" + gid, platformAdmin, null).statusCode());

    for (var admin : admins) {
      assertEquals(platformAdminId + " group_deleted", PgFixture.queryString(org.db(), "SELECT string_agg(actor || ' ' "
          + "|| (details->>'reason'), ',') FROM org.audit_events WHERE action = 'organization_group.admin_revoked' "
          + "AND target = 'user:" + admin.id() + "' AND details->>'groupId' = '" + gid + "'"));
    }
    assertEquals(1, audited("organization_group.deleted", gid));
    var emptied = calls.newGroup().getString("id");
    assertEquals(204, org.send(HttpMethod.DELETE, GROUPS + "/" + emptied, platformAdmin, null).statusCode());
    assertEquals(1, audited("organization_group.deleted", emptied), "a group without admins is deleted as before");
  }

  /**
   * An admin appointed while the group is being deleted waits for the deletion and finds the group gone (404):
   * without the group's row held, the appointment failed on the foreign key, 500.
   */
  @Test
  void anAppointmentDuringADeletionFindsTheGroupGone() throws Exception {
    var gid = calls.newGroup().getString("id");
    var person = org.newUser("too-late");
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      deleting.run("DELETE FROM org.organization_groups WHERE id = ?::uuid", gid);
      assertProblem(deleting.commitOnceWaitedFor(() -> org.send(HttpMethod.PUT,
          GROUPS + "/" + gid + "/admins/" + person.id(), platformAdmin, null)), 404, "organization_group_not_found");
    }
  }

  /** A group admin whose revocation commits while their rename waits for the group renames nothing (404). */
  @Test
  void aGroupAdminRevokedMeanwhileRenamesNothing() throws Exception {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var admin = org.newVerifiedUser("revoked");
    calls.appoint(gid, admin.id());
    assertProblem(whileRevoked(gid, admin.id(), () -> rename(gid, admin.token(), unique("renamed"))), 404,
        "organization_group_not_found");
    assertEquals(group.getString("name"), org.get(GROUPS + "/" + gid, platformAdmin).bodyAsJsonObject()
        .getString("name"));
  }

  /** A group admin whose revocation commits while their key rotation waits for the group gets no key (404). */
  @Test
  void aGroupAdminRevokedMeanwhileRotatesNoKey() throws Exception {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var admin = org.newVerifiedUser("revoked");
    calls.appoint(gid, admin.id());
    assertProblem(whileRevoked(gid, admin.id(), () -> org.post(GROUPS + "/" + gid + "/create-key", admin.token(),
        null)), 404, "organization_group_not_found");
    assertEquals(201, org.send(HttpMethod.POST, "/v1/organizations", org.newUser("joiner").token(), new JsonObject()
            .put("name", unique("joiner")).put("title", "t").put("groupId", gid),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", group.getString("createKey"))).statusCode(),
        "the key shown at creation still holds");
  }

  /**
   * A group admin whose revocation commits while their organization's creation in the group waits for the group
   * creates nothing (403, as for anyone without the key): checked before the insert's transaction, it joined.
   */
  @Test
  void aGroupAdminRevokedMeanwhileCreatesNoOrganizationInTheGroup() throws Exception {
    var gid = calls.newGroup().getString("id");
    var admin = org.newVerifiedUser("revoked");
    calls.appoint(gid, admin.id());
    assertProblem(whileRevoked(gid, admin.id(), () -> org.post("/v1/organizations", admin.token(), new JsonObject()
        .put("name", unique("joiner")).put("title", "t").put("groupId", gid))), 403, "create_key_invalid");
    assertEquals(0, organizationsIn(gid));
  }

  /** A create key rotated while an organization's creation with it waits for the group creates nothing (403). */
  @Test
  void aKeyRotatedMeanwhileCreatesNoOrganizationWithTheOldOne() throws Exception {
    var group = calls.newGroup();
    var gid = group.getString("id");
    var joiner = org.newUser("joiner");
    try (var rotation = UncommittedTransaction.begin(org.db())) {
      rotation.run("SELECT FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", gid);
      rotation.run("UPDATE org.organization_groups SET create_key_hash = ? WHERE id = ?::uuid",
          GroupAccess.hash(unique("new-key")), gid);
      assertProblem(rotation.commitOnceWaitedFor(() -> org.send(HttpMethod.POST, "/v1/organizations",
          joiner.token(), new JsonObject().put("name", unique("joiner")).put("title", "t")
              .put("groupId", gid), MultiMap.caseInsensitiveMultiMap().add("X-Create-Key",
              group.getString("createKey")))), 403, "create_key_invalid");
    }
    assertEquals(0, organizationsIn(gid));
  }

  private long organizationsIn(String groupId) {
    return PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.organizations WHERE group_id = '" + groupId + "'");
  }

  /** A key rotated while the group is being deleted waits for the deletion and finds the group gone (404). */
  @Test
  void aKeyRotatedDuringADeletionFindsTheGroupGone() throws Exception {
    var gid = calls.newGroup().getString("id");
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      deleting.run("DELETE FROM org.organization_groups WHERE id = ?::uuid", gid);
      assertProblem(deleting.commitOnceWaitedFor(() -> org.post(GROUPS + "/" + gid + "/create-key", platformAdmin,
          null)), 404, "organization_group_not_found");
    }
    assertEquals(0, audited("organization_group.create_key_rotated", gid));
  }

  /**
   * Sends {@code request} while another transaction revokes {@code userId}'s admin rights in the group, holding its
   * row as a revocation does, and commits once the request waits for it.
   */
  private HttpResponse<Buffer> whileRevoked(String groupId, String userId, Supplier<HttpResponse<Buffer>> request)
      throws Exception {
    try (var revocation = UncommittedTransaction.begin(org.db())) {
      revocation.run("SELECT FROM org.organization_groups WHERE id = ?::uuid FOR UPDATE", groupId);
      revocation.run("DELETE FROM org.group_admins WHERE group_id = ?::uuid AND user_id = ?::uuid", groupId, userId);
      return revocation.commitOnceWaitedFor(request);
    }
  }

  /**
   * An organization made without a group gets one named after it; when a group has that name already (a platform
   * admin's, say), its group's id follows the name.
   */
  @Test
  void anOrganizationsOwnGroupTakesAFreeName() {
    var owner = org.newUser("founder");
    var name = unique("clash");
    assertEquals(201, calls.create(name.toUpperCase()).statusCode());
    var clashing = org.createOrg(owner.token(), name);
    assertEquals(name + "-" + clashing.getString("groupId"), groupName(clashing.getString("groupId")));
  }

  /**
   * An organization's own group takes its new names, by the same rule (its id appended when a group has the name),
   * audited as a group's rename; the old name is free again.
   */
  @Test
  void anOrganizationsOwnGroupFollowsItsRenames() {
    var owner = org.newUser("renamer");
    var first = unique("first");
    var created = org.createOrg(owner.token(), first);
    var id = created.getString("id");
    var gid = created.getString("groupId");

    var moved = unique("moved");
    assertEquals(200, renameOrganization(id, owner.token(), moved).statusCode());
    assertEquals(moved, groupName(gid));
    assertEquals(1, audited("organization_group.renamed", gid));
    var again = org.createOrg(owner.token(), first);
    assertEquals(first, groupName(again.getString("groupId")), "the old name is free");

    var taken = unique("taken");
    assertEquals(201, calls.create(taken.toUpperCase()).statusCode());
    assertEquals(200, renameOrganization(id, owner.token(), taken).statusCode());
    assertEquals(taken + "-" + gid, groupName(gid));
    var free = unique("free");
    assertEquals(200, renameOrganization(id, owner.token(), free).statusCode());
    assertEquals(free, groupName(gid), "a numbered name is the organization's too");

    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + id, owner.token(),
        new JsonObject().put("title", "Only the title")).statusCode());
    assertEquals(3, audited("organization_group.renamed", gid), "no rename without a new name");
  }

  /**
   * When groups have both the new name and that name with the group's id, the organization is renamed and its group
   * keeps its name; no longer named after the organization, the group stays so through the renames after.
   */
  @Test
  void anOrganizationsOwnGroupKeepsItsNameWhenBothNamesAreTaken() {
    var owner = org.newUser("renamer");
    var first = unique("first");
    var created = org.createOrg(owner.token(), first);
    var id = created.getString("id");
    var gid = created.getString("groupId");
    var taken = unique("taken");
    assertEquals(201, calls.create(taken).statusCode());
    assertEquals(201, calls.create(taken.toUpperCase() + "-" + gid).statusCode());

    var renamed = renameOrganization(id, owner.token(), taken);
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(taken, renamed.bodyAsJsonObject().getString("name"));
    assertEquals(first, groupName(gid));
    assertEquals(0, audited("organization_group.renamed", gid));

    assertEquals(200, renameOrganization(id, owner.token(), unique("free")).statusCode());
    assertEquals(first, groupName(gid));
  }

  /** A group the organization shares, or one its admin named otherwise, is not the organization's to rename. */
  @Test
  void aSharedOrRenamedGroupKeepsItsName() {
    var owner = org.newUser("keeper");
    var admin = org.newVerifiedUser("keeping-admin");
    var explicit = calls.newGroup();
    var inExplicit = org.send(HttpMethod.POST, "/v1/organizations", owner.token(), new JsonObject()
            .put("name", unique("joined")).put("title", "t").put("groupId", explicit.getString("id")),
        MultiMap.caseInsensitiveMultiMap().add("X-Create-Key", explicit.getString("createKey"))).bodyAsJsonObject();
    var shared = org.createOrg(owner.token(), unique("shared"));
    calls.appoint(shared.getString("groupId"), admin.id());
    assertEquals(201, org.send(HttpMethod.POST, "/v1/organizations", admin.token(), new JsonObject()
        .put("name", unique("sibling")).put("title", "t").put("groupId", shared.getString("groupId"))).statusCode());
    var named = org.createOrg(owner.token(), unique("named"));
    calls.appoint(named.getString("groupId"), admin.id());
    var chosen = unique("Chosen by its admin");
    assertEquals(200, rename(named.getString("groupId"), admin.token(), chosen).statusCode());

    for (var organization : List.of(inExplicit, shared, named)) {
      var gid = organization.getString("groupId");
      var before = groupName(gid);
      assertEquals(200, renameOrganization(organization.getString("id"), owner.token(), unique("renamed"))
          .statusCode());
      assertEquals(before, groupName(gid), organization.getString("name"));
    }
    assertEquals(chosen, groupName(named.getString("groupId")));
  }

  /**
   * An organization's own group that a platform admin has made theirs, appointing an admin to it or rotating a create
   * key onto it, keeps its name through the organization's renames, as it stays at the organization's deletion: until
   * session 35 it was renamed with the organization, under its admins' feet.
   */
  @Test
  void anOwnGroupAPlatformAdminMadeTheirsKeepsItsName() {
    var owner = org.newUser("keeper");
    var admin = org.newVerifiedUser("appointed-admin");
    var appointed = org.createOrg(owner.token(), unique("appointed"));
    calls.appoint(appointed.getString("groupId"), admin.id());
    var keyed = org.createOrg(owner.token(), unique("keyed"));
    assertEquals(200, org.post(GROUPS + "/" + keyed.getString("groupId") + "/create-key", platformAdmin, null)
        .statusCode());

    for (var organization : List.of(appointed, keyed)) {
      var gid = organization.getString("groupId");
      assertEquals(organization.getString("name"), groupName(gid));
      assertEquals(200, renameOrganization(organization.getString("id"), owner.token(), unique("renamed"))
          .statusCode());
      assertEquals(organization.getString("name"), groupName(gid));
      assertEquals(0, audited("organization_group.renamed", gid));
    }
  }

  private HttpResponse<Buffer> renameOrganization(String id, String token, String name) {
    return org.send(HttpMethod.PATCH, "/v1/organizations/" + id, token, new JsonObject().put("name", name));
  }

  private String groupName(String groupId) {
    return org.get(GROUPS + "/" + groupId, platformAdmin).bodyAsJsonObject().getString("name");
  }
}
