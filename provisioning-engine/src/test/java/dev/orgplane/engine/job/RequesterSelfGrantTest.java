package dev.orgplane.engine.job;

import static dev.orgplane.engine.EngineHarness.step;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A group admin's job gives them no membership their adminship alone could not give them: their own template (they
 * own it, so are its member) rolled out into a tenant of their group that they do not own copies every member but
 * them, and the job, its plan and the diff say so alike. Until session 41 the engine's identity imported them as the
 * tenant's owner, a membership that outlived their adminship. An owner of the tenant, or a platform admin, is copied
 * as before.
 */
class RequesterSelfGrantTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject(), "self-grant-template");
  }

  private static JsonObject members(TemplateFixture from, String target) {
    return new JsonObject().put("templateOrganization", from.templateId()).put("targetOrganization", target)
        .put("plugins", new JsonArray().add("roles").add("users"));
  }

  private static JsonObject succeeded(JsonObject job) {
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    return job;
  }

  private static void assertCounts(JsonObject job, long created, long updated, long unchanged) {
    assertCounts(job, "users", created, updated, unchanged);
  }

  private static void assertCounts(JsonObject job, String plugin, long created, long updated, long unchanged) {
    var counted = step(job, plugin);
    assertEquals(List.of(created, updated, unchanged), List.of(counted.getLong("created"), counted.getLong("updated"),
        counted.getLong("unchanged")), counted.encode());
  }

  private static JsonObject usersDiff(TemplateFixture from, String target, String token) {
    return diff(from, target, token, "users");
  }

  private static JsonObject diff(TemplateFixture from, String target, String token, String kind) {
    var diff = engine.get("/v1/provisioning/diff?source=" + from.templateId() + "&target=" + target, token);
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    return diff.bodyAsJsonObject().getJsonArray("kinds").stream().map(JsonObject.class::cast)
        .filter(entry -> entry.getString("kind").equals(kind)).findFirst().orElseThrow();
  }

  /** The teams of {@code organization} by name, each with its member ids. */
  private static Map<String, List<Object>> teams(String organization) {
    var listed = engine.org.get("/v1/organizations/" + organization + "/groups?include=userIds",
        engine.org.platformAdminToken());
    assertEquals(200, listed.statusCode(), listed.bodyAsString());
    return listed.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(team -> team.getString("name"), team -> team.getJsonArray("userIds").getList()));
  }

  private static List<Object> roles(String tenant, String member) {
    var found = engine.org.get("/v1/organizations/" + tenant + "/users/" + member, engine.org.platformAdminToken());
    assertEquals(200, found.statusCode(), found.bodyAsString());
    return found.bodyAsJsonObject().getJsonArray("roles").getList();
  }

  @Test
  void aGroupAdminsTemplateRolledOutToATenantTheyDoNotOwnCopiesEveryMemberButThem() {
    var platformAdmin = engine.org.platformAdminToken();
    // another admin of the group makes the tenant, and owns it
    var colleague = engine.org.newVerifiedUser("other-group-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + colleague.id(), platformAdmin, null).statusCode());
    var tenant = engine.org.createOrg(colleague.token(), "not-the-admins", template.groupId()).getString("id");
    var admin = template.groupAdmin().id();

    var plan = succeeded(engine.provision(token(), members(template, tenant).put("dryRun", true)));
    assertCounts(plan, 1, 0, 0);

    var job = succeeded(engine.provision(token(), members(template, tenant)));
    assertCounts(job, 1, 0, 0);
    assertEquals(List.of("auditor"), roles(tenant, template.member().id()), "the template's member is copied");
    assertProblem(engine.org.get("/v1/organizations/" + tenant + "/users/" + admin, platformAdmin), 404,
        "member_not_found");

    var theirs = usersDiff(template, tenant, token());
    assertEquals(true, theirs.getBoolean("inSync"), "their own re-run would change nothing: " + theirs.encode());
    assertEquals(List.of(admin), usersDiff(template, tenant, platformAdmin).getJsonArray("missing").getList(),
        "a platform admin's re-run would copy them");
    assertCounts(succeeded(engine.provision(token(), members(template, tenant))), 0, 0, 1);
  }

  /**
   * The requester in a team of their template is in no copy of it, as they are in no copy of its members: until
   * session 42 the teams' copy named them, and org-service refused it (422 {@code not_a_member}), failing the job
   * after its members were copied. Its plan, the job, the diff and a re-run agree.
   */
  @Test
  void aGroupAdminInATeamOfTheirTemplateIsInNoCopyOfIt() {
    var platformAdmin = engine.org.platformAdminToken();
    var own = TemplateFixture.build(engine.org, "self-grant-teams");
    var admin = own.groupAdmin();
    var admins = TemplateFixture.id(engine.org.post("/v1/organizations/" + own.templateId() + "/groups",
        admin.token(), new JsonObject().put("name", "admins")));
    assertEquals(200, engine.org.post("/v1/organizations/" + own.templateId() + "/groups/" + admins + "/users",
        admin.token(), new JsonObject().put("userIds", new JsonArray().add(admin.id()).add(own.member().id())))
        .statusCode());
    var colleague = engine.org.newVerifiedUser("team-tenant-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + own.groupId() + "/admins/"
        + colleague.id(), platformAdmin, null).statusCode());
    var tenant = engine.org.createOrg(colleague.token(), "not-the-admins-teams", own.groupId()).getString("id");
    var withTeams = members(own, tenant).put("plugins", new JsonArray().add("roles").add("users").add("groups"));

    assertCounts(succeeded(engine.provision(admin.token(), withTeams.copy().put("dryRun", true))), "groups", 2, 0, 0);
    assertCounts(succeeded(engine.provision(admin.token(), withTeams)), "groups", 2, 0, 0);
    assertEquals(Map.of("support", List.of(own.member().id()), "admins", List.of(own.member().id())), teams(tenant));

    var theirs = diff(own, tenant, admin.token(), "groups");
    assertEquals(true, theirs.getBoolean("inSync"), "their own re-run would change nothing: " + theirs.encode());
    assertCounts(succeeded(engine.provision(admin.token(), withTeams.copy().put("dryRun", true))), "groups", 0, 0, 2);
    assertCounts(succeeded(engine.provision(admin.token(), withTeams)), "groups", 0, 0, 2);
  }

  /**
   * A job adopts a tenant of its template made by another admin's job (its target named so), and invites the owner it
   * names there: its requester naming themself is refused that invitation (the job fails {@code owner_not_invited}),
   * which accepted made them the tenant's owner. Its plan fails so too, their address named in whatever case, and
   * so does their retry of it: until session 46 it planned the invitation, the job holding no address of its
   * requester's to tell theirs from another's.
   */
  @Test
  void aJobInvitesItsRequesterAsOwnerOfNoTenantTheyDoNotOwn() {
    var platformAdmin = engine.org.platformAdminToken();
    var colleague = engine.org.newVerifiedUser("adopting-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + colleague.id(), platformAdmin, null).statusCode());
    var made = new JsonObject().put("templateOrganization", template.templateId())
        .put("plugins", new JsonArray().add("roles"));
    var tenant = succeeded(engine.provision(colleague.token(), made.copy()
        .put("target", new JsonObject().put("name", "adopted-tenant")))).getString("targetOrganization");
    var admin = template.groupAdmin();

    var plan = engine.provision(admin.token(), adopting(made, admin.email().toUpperCase(Locale.ROOT))
        .put("dryRun", true));
    var job = engine.provision(admin.token(), adopting(made, admin.email()));

    for (var ended : List.of(plan, job)) {
      assertEquals("failed", ended.getString("status"), ended.encodePrettily());
      assertEquals("owner_not_invited", ended.getJsonObject("error").getString("code"), ended.encodePrettily());
      assertEquals(tenant, ended.getString("targetOrganization"));
    }
    var path = "/v1/provisioning/jobs/" + plan.getString("id");
    assertEquals(200, engine.post(path + "/retry", admin.token(), null).statusCode());
    var replanned = engine.awaitEnd(path, admin.token());
    assertEquals("owner_not_invited", replanned.getJsonObject("error").getString("code"), "their retry knows it too");
    var another = engine.provision(admin.token(), adopting(made, "ceo-" + UUID.randomUUID() + "@customer.example")
        .put("dryRun", true));
    assertEquals("planned", succeeded(another).getJsonObject("owner").getString("invitation"), "anyone else's address");
    var pending = engine.org.get("/v1/organizations/" + tenant + "/invitations", platformAdmin);
    assertEquals(200, pending.statusCode(), pending.bodyAsString());
    assertEquals(List.of(), pending.bodyAsJsonObject().getJsonArray("items").getList(), "no invitation of theirs");
  }

  /**
   * Whether a plan's owner is its requester's address is told anew by each retry, of the retrier's: another admin's
   * retry plans the invitation, and the requester's own after it fails again, as their real run does; a batch queued by
   * another admin, naming the requester, fails so once the requester retries it. Until session 47 a retry kept it
   * only for whoever queued the job last, so once another's retry had cleared it the requester's planned too.
   */
  @Test
  void aRetryKnowsWhetherTheOwnerIsItsRetriersAddress() {
    var colleague = engine.org.newVerifiedUser("retrying-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + colleague.id(), engine.org.platformAdminToken(), null).statusCode());
    var name = "retried-tenant-" + UUID.randomUUID().toString().substring(0, 8);
    var made = new JsonObject().put("templateOrganization", template.templateId())
        .put("plugins", new JsonArray().add("roles"));
    succeeded(engine.provision(colleague.token(), made.copy().put("target", new JsonObject().put("name", name))));
    var admin = template.groupAdmin();
    var naming = new JsonObject().put("name", name).put("owner", new JsonObject().put("email", admin.email()));

    var plan = engine.provision(admin.token(), made.copy().put("target", naming).put("dryRun", true));
    assertEquals("failed", plan.getString("status"), plan.encodePrettily());
    assertEquals("owner_not_invited", plan.getJsonObject("error").getString("code"));
    var path = "/v1/provisioning/jobs/" + plan.getString("id");
    assertEquals(200, engine.post(path + "/retry", colleague.token(), null).statusCode());
    var theirs = succeeded(engine.awaitEnd(path, admin.token()));
    assertEquals("planned", theirs.getJsonObject("owner").getString("invitation"), "not the colleague's address");
    cancelled("id = '" + plan.getString("id") + "'");
    assertEquals(200, engine.post(path + "/retry", admin.token(), null).statusCode());
    var again = engine.awaitEnd(path, admin.token());
    assertEquals("failed", again.getString("status"), "their own retry knows it: " + again.encodePrettily());
    assertEquals("owner_not_invited", again.getJsonObject("error").getString("code"));

    var batch = engine.provisionBatch(colleague.token(), made.copy().put("targets", new JsonArray().add(naming))
        .put("dryRun", true));
    assertEquals(1L, batch.getJsonObject("owners").getLong("planned"), batch.encodePrettily());
    cancelled("batch_id = '" + batch.getString("id") + "'");
    var batchPath = "/v1/provisioning/batches/" + batch.getString("id");
    assertEquals(200, engine.post(batchPath + "/retry", admin.token(), null).statusCode());
    var retried = engine.awaitEnd(batchPath, admin.token());
    assertEquals(1L, retried.getJsonObject("counts").getLong("failed"), retried.encodePrettily());
  }

  /**
   * Whether a plan's owner is its requester's address is told as org-service finds an account by one, when the plan is
   * queued as when it is retried: an address that Java's {@code equalsIgnoreCase} folds into the requester's but
   * PostgreSQL's {@code lower()} keeps apart (an I for their dotless ı) is someone else's, whom the real run invites,
   * and the plan and its retry plan that. Until session 48 queueing told it in Java: the plan failed as its
   * requester's, and its retry planned.
   */
  @Test
  void aPlanTellsItsRequestersAddressAsOrgServiceDoesQueuedAndRetried() {
    var platformAdmin = engine.org.platformAdminToken();
    var colleague = engine.org.newVerifiedUser("look-alike-tenant-admin");
    var requester = engine.org.newVerifiedUser("\u0131vy");
    for (var admin : List.of(colleague, requester)) {
      assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.groupId() + "/admins/"
          + admin.id(), platformAdmin, null).statusCode());
    }
    var name = "look-alike-tenant-" + UUID.randomUUID().toString().substring(0, 8);
    var made = new JsonObject().put("templateOrganization", template.templateId())
        .put("plugins", new JsonArray().add("roles"));
    succeeded(engine.provision(colleague.token(), made.copy().put("target", new JsonObject().put("name", name))));
    var lookAlike = requester.email().toUpperCase(Locale.ROOT);
    assertTrue(lookAlike.equalsIgnoreCase(requester.email()), lookAlike);
    var naming = made.copy().put("target", new JsonObject().put("name", name)
        .put("owner", new JsonObject().put("email", lookAlike)));

    var plan = engine.provision(requester.token(), naming.copy().put("dryRun", true));
    assertEquals("planned", succeeded(plan).getJsonObject("owner").getString("invitation"), "queued");
    cancelled("id = '" + plan.getString("id") + "'");
    var path = "/v1/provisioning/jobs/" + plan.getString("id");
    assertEquals(200, engine.post(path + "/retry", requester.token(), null).statusCode());
    var replanned = succeeded(engine.awaitEnd(path, requester.token()));
    assertEquals("planned", replanned.getJsonObject("owner").getString("invitation"), "retried");
    var job = succeeded(engine.provision(requester.token(), naming));
    assertEquals("invited", job.getJsonObject("owner").getString("invitation"), "as the real run does");
  }

  /** Ends the jobs {@code where} names cancelled, as a cancel would have, so that they can be retried. */
  private static void cancelled(String where) {
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'cancelled' WHERE " + where);
  }

  /** {@code made} into the tenant {@code adopted-tenant}, named with the owner {@code email}. */
  private static JsonObject adopting(JsonObject made, String email) {
    return made.copy().put("target", new JsonObject().put("name", "adopted-tenant")
        .put("owner", new JsonObject().put("email", email)));
  }

  /**
   * A requester who is a member of a tenant they do not own, naming themself its owner, is refused the ownership
   * ({@code self_grant_refused}: the job fails {@code owner_not_invited}), and the job's plan fails so too: until
   * session 45 it planned {@code made_owner}.
   */
  @Test
  void aPlanOfARequesterMakingThemselfOwnerOfATenantTheyDoNotOwnFailsAsTheJobDoes() {
    var colleague = engine.org.newVerifiedUser("member-adopting-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.groupId() + "/admins/"
        + colleague.id(), engine.org.platformAdminToken(), null).statusCode());
    var name = "adopted-member-tenant-" + UUID.randomUUID().toString().substring(0, 8);
    var made = new JsonObject().put("templateOrganization", template.templateId())
        .put("plugins", new JsonArray().add("roles"));
    var tenant = succeeded(engine.provision(colleague.token(), made.copy()
        .put("target", new JsonObject().put("name", name)))).getString("targetOrganization");
    var admin = template.groupAdmin();
    engine.org.addMembers(tenant, List.of(admin.id()), "member");
    var naming = made.copy().put("target", new JsonObject().put("name", name)
        .put("owner", new JsonObject().put("email", admin.email())));

    var plan = engine.provision(admin.token(), naming.copy().put("dryRun", true));
    var job = engine.provision(admin.token(), naming);

    for (var ended : List.of(plan, job)) {
      assertEquals("failed", ended.getString("status"), ended.encodePrettily());
      assertEquals("owner_not_invited", ended.getJsonObject("error").getString("code"), ended.encodePrettily());
    }
    assertEquals(List.of("member"), roles(tenant, admin.id()));
  }

  @Test
  void aRequesterWhoOwnsTheTenantOrIsAPlatformAdminIsCopiedAsBefore() {
    var other = TemplateFixture.build(engine.org, "self-grant-other");
    var admin = other.groupAdmin();
    var platformAdmin = engine.org.newVerifiedUser("platform-admin");
    PgFixture.execute(engine.db, "UPDATE org.users SET platform_admin = true WHERE id = '" + platformAdmin.id() + "'");
    engine.org.addMembers(other.templateId(), List.of(platformAdmin.id()), "editor");
    var own = engine.org.createOrg(admin.token(), "the-admins-own", other.groupId()).getString("id");

    var planned = succeeded(engine.provision(admin.token(), members(other, own).put("dryRun", true)));
    assertCounts(planned, 2, 0, 1);
    assertCounts(succeeded(engine.provision(admin.token(), members(other, own))), 2, 0, 1);
    assertEquals(List.of("owner"), roles(own, admin.id()), "the owner stays theirs");

    var tenant = engine.org.createOrg(admin.token(), "copied-by-a-platform-admin", other.groupId()).getString("id");
    assertCounts(succeeded(engine.provision(platformAdmin.token(), members(other, tenant))), 2, 0, 1);
    assertEquals(List.of("editor"), roles(tenant, platformAdmin.id()), "the platform admin requester is copied");
  }
}
