package dev.orgplane.org.provisioner;

import static dev.orgplane.org.OrgServiceHarness.ENGINE_CLIENT_ID;
import static dev.orgplane.org.OrgServiceHarness.ENGINE_SECRET;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProvisionerTest extends OrgServiceTest {

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static JsonObject claims(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), unique("p")).getString("id");
  }

  private HttpResponse<Buffer> put(String path, String token, JsonObject body) {
    return org.send(HttpMethod.PUT, path, token, body);
  }

  private HttpResponse<Buffer> put(String path, String token, JsonObject body, String jobId) {
    return org.send(HttpMethod.PUT, path, token, body, MultiMap.caseInsensitiveMultiMap().add("Orgplane-Job-Id", jobId));
  }

  private static void assertImport(HttpResponse<Buffer> response, int status, String result) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    assertEquals(result, response.getHeader("Orgplane-Import-Result"));
  }

  private JsonObject newOrganizationBody(String groupId, String ownerId) {
    return new JsonObject().put("name", unique("copy")).put("title", "Copy").put("groupId", groupId)
        .put("ownerId", ownerId);
  }

  /**
   * The owner the engine names, whose account's deletion commits while the creation waits for their row, is refused
   * as an owner who does not exist is (422): checked before the insert's transaction, the owner's membership failed on
   * its foreign key (409 {@code reference_gone}).
   */
  @Test
  void anOwnerDeletedMeanwhileIsRefusedAsAnUnknownOne() throws Exception {
    var groupId = org.createOrg(org.newUser("tpl-owner").token(), unique("tpl")).getString("groupId");
    var owner = org.newUser("leaving");
    var engine = org.engineToken();
    try (var deletion = UncommittedTransaction.begin(org.db())) {
      deletion.run("DELETE FROM org.users WHERE id = ?::uuid", owner.id());
      assertProblem(deletion.commitOnceWaitedFor(() -> org.post("/v1/organizations", engine,
          newOrganizationBody(groupId, owner.id()))), 422, "invalid_reference");
    }
  }

  @Test
  void engineGetsATokenThatNamesNoOrganization() {
    var response = org.clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    var claims = claims(response.bodyAsJsonObject().getString("access_token"));
    assertEquals(ENGINE_CLIENT_ID, claims.getString("sub"));
    assertFalse(claims.containsKey("org"), claims.encode());
    assertProblem(org.clientCredentials(ENGINE_CLIENT_ID, "wrong-secret"), 401, "invalid_client");
  }

  /**
   * A client id written otherwise than as a UUID is, though {@link UUID#fromString} reads it as the engine's (a sign
   * for a leading zero, parts without theirs), is no client's: it signed in as the engine.
   */
  @Test
  void aClientIdNotWrittenAsAUuidIsNoClients() {
    for (var written : List.of("+" + ENGINE_CLIENT_ID.substring(1), "0-0-4000-8000-e001")) {
      assertEquals(UUID.fromString(ENGINE_CLIENT_ID), UUID.fromString(written), "the JDK's reading");
      assertProblem(org.clientCredentials(written, ENGINE_SECRET), 401, "invalid_client");
    }
  }

  @Test
  void aChangedSecretReplacesTheOldOneAndARevokedCredentialComesBack() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var first = OrgServiceHarness.start(vertx, db);
    assertEquals(200, first.clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET).statusCode());
    PgFixture.execute(db, "UPDATE org.service_credentials SET revoked_at = now()");
    assertProblem(first.clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET), 401, "invalid_client");

    var restarted = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_ENGINE_CLIENT_SECRET", "rotated"));
    assertEquals(200, restarted.clientCredentials(ENGINE_CLIENT_ID, "rotated").statusCode());
    assertProblem(restarted.clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET), 401, "invalid_client");
  }

  /**
   * A secret is changed because it leaked: a token minted with it (it reads and imports into every organization) is
   * refused from the start with the new one on, not left to expire.
   */
  @Test
  void aChangedSecretEndsTheTokensMintedWithTheOldOne() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var first = OrgServiceHarness.start(vertx, db);
    var leaked = first.engineToken();
    assertEquals(200, first.get("/v1/organizations", leaked).statusCode());
    first.undeploy(vertx);

    var rotated = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_ENGINE_CLIENT_SECRET", "rotated"));

    assertProblem(rotated.get("/v1/organizations", leaked), 401, "invalid_token");
    var fresh = rotated.clientCredentials(ENGINE_CLIENT_ID, "rotated").bodyAsJsonObject().getString("access_token");
    assertEquals(200, rotated.get("/v1/organizations", fresh).statusCode());
  }

  /** Restoring a revoked credential does not let the tokens its revocation refused back in. */
  @Test
  void aRestoredCredentialEndsTheTokensMintedBeforeItsRevocation() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var first = OrgServiceHarness.start(vertx, db);
    var revoked = first.engineToken();
    PgFixture.execute(db, "UPDATE org.service_credentials SET revoked_at = now()");
    first.undeploy(vertx);

    var restored = OrgServiceHarness.start(vertx, db);

    assertProblem(restored.get("/v1/organizations", revoked), 401, "invalid_token");
    assertEquals(200, restored.get("/v1/organizations", restored.engineToken()).statusCode());
  }

  /**
   * The engine's client id is changed because the old one is to go: its id and secret no longer sign in, and its
   * tokens are refused, though its user stays for the jobs and audit entries that name it.
   */
  @Test
  void aChangedClientIdShutsOutTheOldOne() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var first = OrgServiceHarness.start(vertx, db);
    var old = first.engineToken();
    first.undeploy(vertx);
    var newId = UUID.randomUUID().toString();

    var moved = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_ENGINE_CLIENT_ID", newId));

    assertProblem(moved.clientCredentials(ENGINE_CLIENT_ID, ENGINE_SECRET), 401, "invalid_client");
    assertProblem(moved.get("/v1/organizations", old), 401, "invalid_token");
    var fresh = moved.clientCredentials(newId, ENGINE_SECRET).bodyAsJsonObject().getString("access_token");
    assertEquals(200, moved.get("/v1/organizations", fresh).statusCode());
    assertEquals(1L, PgFixture.queryLong(db, "SELECT count(*) FROM org.users WHERE id = '" + ENGINE_CLIENT_ID + "'"));
  }

  /** Restarting org-service with the same secret must not refuse a running engine's token. */
  @Test
  void aStartWithTheSameSecretKeepsTheEnginesToken() {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var first = OrgServiceHarness.start(vertx, db);
    var running = first.engineToken();
    first.undeploy(vertx);

    var restarted = OrgServiceHarness.start(vertx, db);

    assertEquals(200, restarted.get("/v1/organizations", running).statusCode());
  }

  @Test
  void engineReadsAndImportsInOrganizationsItIsNotIn_disabledOnesToo() {
    var owner = org.newUser("owner");
    var template = newOrg(owner);
    assertEquals(200, org.post("/v1/organizations/" + template + "/disable", owner.token(), null).statusCode());
    var engine = org.engineToken();
    var base = "/v1/organizations/" + template;

    var read = org.get(base, engine);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertEquals("disabled", read.bodyAsJsonObject().getString("state"));
    for (var list : new String[] {"/users", "/roles", "/groups", "/workspaces", "/schemas", "/queues", "/hooks",
        "/audit-events"}) {
      assertEquals(200, org.get(base + list, engine).statusCode(), list);
    }
    var listed = org.get("/v1/organizations?q=" + read.bodyAsJsonObject().getString("name"), engine).bodyAsJsonObject();
    assertEquals(1, listed.getJsonArray("items").size(), listed.encode());

    var workspace = base + "/workspaces/" + UUID.randomUUID();
    assertImport(put(workspace, engine, new JsonObject().put("name", "main")), 201, "created");
    assertImport(put(base + "/roles/" + UUID.randomUUID(), engine, new JsonObject().put("name", "editor")
        .put("permissions", new JsonArray().add("app_workspace_get"))), 201, "created");
    var members = org.post(base + "/users", engine, new JsonObject().put("userIds", new JsonArray().add(owner.id())));
    assertEquals(0, members.bodyAsJsonObject().getInteger("added"), members.bodyAsString());
    assertEquals(1, members.bodyAsJsonObject().getInteger("unchanged"), members.bodyAsString());
  }

  @Test
  void engineInvitesAnOwnerAndSeesPendingInvitationsButInvitesNoMember() {
    var owner = org.newUser("owner");
    var base = "/v1/organizations/" + newOrg(owner) + "/invitations";
    var engine = org.engineToken();

    var invited = org.post(base, engine, new JsonObject().put("email", "ceo@customer.example")
        .put("roles", new JsonArray().add("owner")));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    var pending = org.get(base, engine);
    assertEquals(200, pending.statusCode(), pending.bodyAsString());
    assertEquals(new JsonArray().add("owner"), pending.bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getJsonArray("roles"));
    assertProblem(org.post(base, engine, new JsonObject().put("email", owner.email())), 409, "already_member");
  }

  @Test
  void engineHasNoAdminPowers() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var engine = org.engineToken();
    assertProblem(org.post("/v1/organization-groups", engine, new JsonObject().put("name", "G")), 403, "forbidden");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id, engine, null), 403, "forbidden");
    assertProblem(org.post("/v1/organizations/" + id + "/disable", engine, null), 403, "forbidden");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, engine, new JsonObject().put("title", "x")),
        403, "forbidden");
    assertProblem(org.post("/v1/organizations/" + id + "/workspaces", engine, new JsonObject().put("name", "w")),
        403, "forbidden");
    assertEquals(200, org.get("/v1/organizations/" + id, owner.token()).statusCode(), "the organization is intact");
  }

  /**
   * The engine gives hook copies the template's secrets (it checked that the job's requester may edit the template's
   * hooks) without being able to edit those hooks itself, and no role can hand that permission to anyone else.
   */
  @Test
  void engineCarriesHookSecretsIntoCopiesButEditsNoTemplateHook() {
    var owner = org.newVerifiedUser("owner");
    var templateOrg = org.createOrg(owner.token(), unique("p"));
    var template = templateOrg.getString("id");
    var secret = "tenant-ready-secret-0123456789";
    var hook = org.post("/v1/organizations/" + template + "/hooks", owner.token(), new JsonObject()
        .put("name", "tenant-ready").put("url", "https://hooks.example.com/ready").put("secret", secret)
        .put("events", new JsonArray().add("provisioning.job.finished")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    var hookId = hook.bodyAsJsonObject().getString("id");
    // a run copies into an organization of the template's group
    appointGroupAdmin(templateOrg.getString("groupId"), owner.id());
    var target = org.createOrg(owner.token(), unique("p"), templateOrg.getString("groupId")).getString("id");
    var engine = org.engineToken();

    var copied = org.post("/v1/organizations/" + target + "/hooks:copy", engine, new JsonObject()
        .put("from", template).put("copySecrets", true));
    assertEquals(200, copied.statusCode(), copied.bodyAsString());
    assertEquals(1, copied.bodyAsJsonObject().getInteger("created"));
    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hooks WHERE org_id = '" + target
        + "' AND id = '" + IdFunction.nameBasedIn(target).apply(hookId) + "' AND secret = '" + secret + "'"));

    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + template + "/hooks/" + hookId, engine,
        new JsonObject().put("url", "https://engine.example.com/")), 403, "forbidden");
    var role = org.post("/v1/organizations/" + template + "/roles", owner.token(), new JsonObject()
        .put("name", "secret-copier").put("permissions", new JsonArray().add(PermissionCatalog.HOOK_SECRET_COPY)));
    assertProblem(role, 400, "validation_failed");
  }

  @Test
  void engineCreatesAnOrganizationOwnedBySomeoneElseAndSaysWhereItCameFrom() {
    var owner = org.newUser("owner");
    var template = org.createOrg(owner.token(), unique("tpl"));
    var groupId = template.getString("groupId");
    var customer = org.newVerifiedUser("customer");
    appointGroupAdmin(groupId, customer.id());
    var jobId = UUID.randomUUID().toString();
    var origin = new JsonObject().put("templateId", template.getString("id")).put("jobId", jobId);

    var created = org.post("/v1/organizations", org.engineToken(),
        newOrganizationBody(groupId, customer.id()).put("provisionedFrom", origin));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var copy = created.bodyAsJsonObject();
    assertEquals(groupId, copy.getString("groupId"));
    assertEquals(origin, copy.getJsonObject("provisionedFrom"));

    var members = org.get("/v1/organizations/" + copy.getString("id") + "/users", customer.token()).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(1, members.size(), "the owner is the only member; the engine does not join");
    assertEquals(customer.id(), members.getJsonObject(0).getString("userId"));
    assertEquals(new JsonArray().add("owner"), members.getJsonObject(0).getJsonArray("roles"));
    assertEquals(origin, org.get("/v1/organizations/" + copy.getString("id"), customer.token()).bodyAsJsonObject()
        .getJsonObject("provisionedFrom"));
    var listed = org.get("/v1/organizations?q=" + copy.getString("name"), customer.token()).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals(origin, listed.getJsonObject("provisionedFrom"));
    assertNull(template.getValue("provisionedFrom"));
    assertTrue(template.containsKey("provisionedFrom"), "shown as null when absent");
  }

  private void appointGroupAdmin(String groupId, String userId) {
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + userId,
        org.platformAdminToken(), null).statusCode());
  }

  /**
   * The engine creates an organization for whoever queued its job, with its own identity: an owner who no longer
   * administers the group (nor is a platform admin) is refused, as they would be themselves.
   */
  @Test
  void engineCreatesOnlyForAnOwnerWhoAdministersTheGroup() {
    var groupId = org.createOrg(org.newUser("tpl-owner").token(), unique("tpl")).getString("groupId");
    var engine = org.engineToken();
    var outsider = org.newUser("outsider");
    var refused = org.post("/v1/organizations", engine, newOrganizationBody(groupId, outsider.id()));
    assertProblem(refused, 403, "owner_not_admin");

    var admin = org.newVerifiedUser("admin");
    appointGroupAdmin(groupId, admin.id());
    assertEquals(201, org.post("/v1/organizations", engine, newOrganizationBody(groupId, admin.id())).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        org.platformAdminToken(), null).statusCode());
    assertProblem(org.post("/v1/organizations", engine, newOrganizationBody(groupId, admin.id())), 403,
        "owner_not_admin");

    var platformAdminId = org.get("/v1/users/me", org.platformAdminToken()).bodyAsJsonObject().getString("id");
    assertEquals(201, org.post("/v1/organizations", engine, newOrganizationBody(groupId, platformAdminId))
        .statusCode());
  }

  @Test
  void engineMustNameAnExistingGroupAndAPersonAsOwner() {
    var owner = org.newUser("owner");
    var groupId = org.createOrg(owner.token(), unique("tpl")).getString("groupId");
    var engine = org.engineToken();

    var nothingNamed = org.post("/v1/organizations", engine, new JsonObject().put("name", unique("mine")).put("title", "M"));
    assertProblem(nothingNamed, 400, "validation_failed");
    assertEquals(java.util.List.of("groupId", "ownerId"), nothingNamed.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList(), "the engine never owns what it creates");
    var noOwner = org.post("/v1/organizations", engine, newOrganizationBody(groupId, null));
    assertProblem(noOwner, 400, "validation_failed");
    assertEquals("ownerId", noOwner.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post("/v1/organizations", engine, newOrganizationBody(null, owner.id())), 400, "validation_failed");
    assertProblem(org.post("/v1/organizations", engine, newOrganizationBody(groupId, owner.id())
        .put("provisionedFrom", new JsonObject().put("templateId", "nope"))), 400, "validation_failed");

    var unknownOwner = org.post("/v1/organizations", engine, newOrganizationBody(groupId, UUID.randomUUID().toString()));
    assertProblem(unknownOwner, 422, "invalid_reference");
    assertEquals("ownerId", unknownOwner.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post("/v1/organizations", engine, newOrganizationBody(groupId, ENGINE_CLIENT_ID)), 422,
        "invalid_reference");
    var unknownGroup = org.post("/v1/organizations", engine,
        newOrganizationBody(UUID.randomUUID().toString(), owner.id()));
    assertProblem(unknownGroup, 422, "invalid_reference");
    assertEquals("groupId", unknownGroup.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  @Test
  void onlyTheEngineMayNameAnOwnerOrAnOrigin() {
    var user = org.newUser("user");
    var withOwner = org.post("/v1/organizations", user.token(),
        new JsonObject().put("name", unique("mine")).put("title", "Mine").put("ownerId", user.id()));
    assertProblem(withOwner, 400, "validation_failed");
    assertEquals("ownerId", withOwner.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(org.post("/v1/organizations", user.token(), new JsonObject().put("name", unique("mine"))
        .put("title", "Mine").put("provisionedFrom", new JsonObject().put("templateId", UUID.randomUUID().toString())
            .put("jobId", UUID.randomUUID().toString()))), 400, "validation_failed");
  }

  @Test
  void onlyTheEngineReportsAFinishedJobAndSubscribedHooksReceiveIt() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var base = "/v1/organizations/" + id;
    var hook = org.post(base + "/hooks", owner.token(), new JsonObject().put("name", "ready")
        .put("url", "https://hooks.example.com/ready").put("events", new JsonArray().add("provisioning.job.finished")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    var jobId = UUID.randomUUID().toString();
    var event = new JsonObject().put("type", "provisioning.job.finished").put("jobId", jobId)
        .put("details", new JsonObject().put("status", "succeeded"));

    assertProblem(org.post(base + "/provisioning-events", owner.token(), event), 403, "forbidden");
    assertProblem(org.post("/v1/organizations/" + UUID.randomUUID() + "/provisioning-events", org.engineToken(), event),
        404, "organization_not_found");
    assertProblem(org.post(base + "/provisioning-events", org.engineToken(), event.copy().put("type", "queue.created")),
        400, "validation_failed");
    assertProblem(org.post(base + "/provisioning-events", org.engineToken(), event.copy().put("extra", 1)),
        400, "validation_failed");
    var raised = org.post(base + "/provisioning-events", org.engineToken(), event);
    assertEquals(202, raised.statusCode(), raised.bodyAsString());

    var audited = org.get(base + "/audit-events", owner.token()).bodyAsJsonObject().getJsonArray("items").stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("action").equals("provisioning.job.finished")).toList();
    assertEquals(1, audited.size(), "the refused attempts left nothing");
    assertEquals("job:" + jobId, audited.get(0).getString("target"));
    var deliveries = org.get(base + "/hooks/" + hook.bodyAsJsonObject().getString("id") + "/deliveries", owner.token())
        .bodyAsJsonObject().getJsonArray("items");
    assertEquals(1, deliveries.size());
    assertEquals("provisioning.job.finished", deliveries.getJsonObject(0).getString("event"));
  }

  @Test
  void auditEventsCarryTheJobIdOfTheEngineOnly() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var jobId = UUID.randomUUID().toString();
    var base = "/v1/organizations/" + id;
    assertImport(put(base + "/workspaces/" + UUID.randomUUID(), org.engineToken(),
        new JsonObject().put("name", "by-engine"), jobId), 201, "created");
    assertImport(put(base + "/workspaces/" + UUID.randomUUID(), owner.token(),
        new JsonObject().put("name", "by-owner"), jobId), 201, "created");

    var events = org.get(base + "/audit-events", owner.token()).bodyAsJsonObject().getJsonArray("items");
    var byActor = events.stream().map(JsonObject.class::cast).filter(e -> e.getString("action").equals("workspace.created"))
        .collect(Collectors.toMap(e -> e.getString("actor"), e -> String.valueOf(e.getValue("jobId"))));
    assertEquals(jobId, byActor.get(ENGINE_CLIENT_ID));
    assertEquals("null", byActor.get(owner.id()), "the header is not trusted from anyone else");
    assertTrue(events.stream().map(JsonObject.class::cast).allMatch(e -> e.containsKey("jobId")));
  }

  /** A job id the header writes otherwise than as a UUID names no job: it was recorded as the job it reads as. */
  @Test
  void aJobIdNotWrittenAsAUuidIsNoJobs() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var base = "/v1/organizations/" + id;
    var jobId = "0" + UUID.randomUUID().toString().substring(1);
    assertImport(put(base + "/workspaces/" + UUID.randomUUID(), org.engineToken(),
        new JsonObject().put("name", "by-engine"), "+" + jobId.substring(1)), 201, "created");

    var created = org.audited(owner.token(), id, "workspace.created");
    assertEquals(1, created.size(), created.encode());
    assertNull(created.getJsonObject(0).getValue("jobId"), created.encode());
  }

  @Test
  void importingARoleCreatesThenLeavesItThenReplacesIt() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var engine = org.engineToken();
    var path = "/v1/organizations/" + id + "/roles/" + UUID.randomUUID();
    var role = new JsonObject().put("name", "editor").put("title", "Editor")
        .put("permissions", new JsonArray().add("app_workspace_get").add("app_schema_get"));

    var created = put(path, engine, role);
    assertImport(created, 201, "created");
    assertEquals(path, created.getHeader("Location"));
    var again = put(path, engine, role.copy().put("permissions", new JsonArray().add("app_schema_get")
        .add("app_workspace_get")));
    assertImport(again, 200, "unchanged");
    assertEquals(created.bodyAsJsonObject(), again.bodyAsJsonObject());

    org.addMembers(id, List.of(org.newUser("editor").id()), "editor");
    var renamed = put(path, engine, role.copy().put("name", "author"));
    assertImport(renamed, 200, "updated");
    assertEquals("author", renamed.bodyAsJsonObject().getString("name"));
    var roles = org.get("/v1/organizations/" + id + "/users", owner.token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(m -> ((JsonObject) m).getJsonArray("roles").getString(0)).collect(Collectors.toSet());
    assertEquals(Set.of("owner", "author"), roles, "assignments follow the rename");

    assertProblem(put(path, engine, role.copy().put("name", "owner")), 400, "validation_failed");
    assertProblem(put("/v1/organizations/" + id + "/roles/" + UUID.randomUUID(), engine, role.copy().put("name", "author")),
        409, "role_name_taken");
    assertProblem(put("/v1/organizations/" + newOrg(owner) + "/roles/" + path.substring(path.lastIndexOf('/') + 1),
        engine, role), 409, "role_id_taken");
  }

  @Test
  void importingATeamSetsItsMemberListExactly() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var stranger = org.newUser("stranger");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "member");
    var engine = org.engineToken();
    var path = "/v1/organizations/" + id + "/groups/" + UUID.randomUUID();
    var team = new JsonObject().put("name", "support").put("title", "Support")
        .put("userIds", new JsonArray().add(owner.id()).add(member.id()));

    var created = put(path, engine, team);
    assertImport(created, 201, "created");
    assertEquals(2, created.bodyAsJsonObject().getInteger("memberCount"));
    assertImport(put(path, engine, team.copy().put("userIds", new JsonArray().add(member.id()).add(owner.id()))), 200,
        "unchanged");
    var replaced = put(path, engine, team.copy().put("userIds", new JsonArray().add(member.id())));
    assertImport(replaced, 200, "updated");

    var first = org.get(path + "/users?limit=1", engine).bodyAsJsonObject();
    assertEquals(1, first.getJsonArray("items").size());
    assertEquals(member.id(), first.getJsonArray("items").getJsonObject(0).getString("userId"));
    assertNull(first.getString("nextCursor"));
    assertImport(put(path, engine, team.copy().put("title", "Help desk").put("userIds", new JsonArray().add(member.id()))),
        200, "updated");

    var strangers = put(path, engine, team.copy().put("userIds", new JsonArray().add(member.id()).add(stranger.id())));
    assertProblem(strangers, 422, "not_a_member");
    assertEquals(stranger.id(), strangers.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message"));
    var withoutMembers = team.copy();
    withoutMembers.remove("userIds");
    assertProblem(put(path, engine, withoutMembers), 400, "validation_failed");
  }

  @Test
  void importsNeedTheirPermissionAndStayInTheCallersOrganization() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var outsider = org.newUser("outsider");
    var id = newOrg(owner);
    org.addMembers(id, List.of(viewer.id()), "viewer");
    var team = new JsonObject().put("name", "ops").put("userIds", new JsonArray());
    var role = new JsonObject().put("name", "ops").put("permissions", new JsonArray());
    var base = "/v1/organizations/" + id;

    assertProblem(put(base + "/groups/" + UUID.randomUUID(), viewer.token(), team), 403, "forbidden");
    assertProblem(put(base + "/roles/" + UUID.randomUUID(), viewer.token(), role), 403, "forbidden");
    assertProblem(put(base + "/workspaces/" + UUID.randomUUID(), viewer.token(), new JsonObject().put("name", "w")),
        403, "forbidden");
    assertProblem(put(base + "/groups/" + UUID.randomUUID(), outsider.token(), team), 404, "organization_not_found");
    assertProblem(put(base + "/roles/" + UUID.randomUUID(), outsider.token(), role), 404, "organization_not_found");
  }

  /**
   * A 201 of an import names what it made by ids, as every Location does: it repeated the request's path, so a PUT by
   * the organization's name, or with a trailing {@code /} (served), answered a path in that form.
   */
  @Test
  void anImportsLocationNamesTheOrganizationAndTheObjectByTheirIds() {
    var owner = org.newUser("owner");
    var organization = org.createOrg(owner.token(), unique("p"));
    var byId = "/v1/organizations/" + organization.getString("id");
    var byName = "/v1/organizations/" + organization.getString("name");
    var role = UUID.randomUUID();
    var team = UUID.randomUUID();
    var workspace = UUID.randomUUID();

    var roleCreated = put(byName + "/roles/" + role + "/", owner.token(), new JsonObject().put("name", "editor")
        .put("permissions", new JsonArray().add("app_workspace_get")));
    var teamCreated = put(byName + "/groups/" + team, owner.token(), new JsonObject().put("name", "ops")
        .put("userIds", new JsonArray()));
    var workspaceCreated = put(byName + "/workspaces/" + workspace + "/", owner.token(),
        new JsonObject().put("name", "main"));

    assertImport(roleCreated, 201, "created");
    assertEquals(byId + "/roles/" + role, roleCreated.getHeader("Location"));
    assertImport(teamCreated, 201, "created");
    assertEquals(byId + "/groups/" + team, teamCreated.getHeader("Location"));
    assertImport(workspaceCreated, 201, "created");
    assertEquals(byId + "/workspaces/" + workspace, workspaceCreated.getHeader("Location"));
  }

  @Test
  void setupImportsSayWhetherTheyCreatedChangedOrLeftTheObject() {
    var owner = org.newUser("owner");
    var path = "/v1/organizations/" + newOrg(owner) + "/workspaces/" + UUID.randomUUID();
    var engine = org.engineToken();
    var workspace = new JsonObject().put("name", "main").put("metadata", new JsonObject().put("tier", "gold"));

    var created = put(path, engine, workspace);
    assertImport(created, 201, "created");
    assertNotNull(created.getHeader("Location"));
    var unchanged = put(path, engine, workspace);
    assertImport(unchanged, 200, "unchanged");
    assertEquals(created.bodyAsJsonObject(), unchanged.bodyAsJsonObject());
    assertImport(put(path, engine, workspace.copy().put("name", "primary")), 200, "updated");
  }

  @Test
  void listsArePagedWithCursors() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var base = "/v1/organizations/" + id;
    for (var name : new String[] {"alpha", "beta", "gamma"}) {
      assertImport(put(base + "/roles/" + UUID.randomUUID(), owner.token(), new JsonObject().put("name", name)
          .put("permissions", new JsonArray())), 201, "created");
    }
    var first = org.get(base + "/roles?limit=2", owner.token()).bodyAsJsonObject();
    assertEquals(2, first.getJsonArray("items").size());
    var second = org.get(base + "/roles?limit=2&cursor=" + first.getString("nextCursor"), owner.token())
        .bodyAsJsonObject();
    assertEquals("gamma", second.getJsonArray("items").getJsonObject(0).getString("name"));
    assertNull(second.getString("nextCursor"));
    assertProblem(org.get(base + "/roles?limit=501", owner.token()), 400, "invalid_limit");
    assertEquals(200, org.get(base + "/roles?limit=500", owner.token()).statusCode());
  }
}
