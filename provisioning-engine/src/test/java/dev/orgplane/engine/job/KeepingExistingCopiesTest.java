package dev.orgplane.engine.job;

import static dev.orgplane.engine.EngineHarness.step;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Option {@code existing: "keep"}, with the real org-service: a re-run into a tenant that changed its copies leaves
 * them as the tenant made them and copies only what the template gained since; a re-run without it makes the copies
 * the template's again. The diff between tells the tenant's changes from the template's.
 */
class KeepingExistingCopiesTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject(), "keep-template");
  }

  private static JsonObject into(String target, JsonObject options) {
    return new JsonObject().put("templateOrganization", template.templateId()).put("targetOrganization", target)
        .put("options", options);
  }

  private static JsonObject keep() {
    return new JsonObject().put("existing", "keep");
  }

  private static JsonObject read(String path) {
    var response = engine.org.get(path, token());
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject succeeded(JsonObject job) {
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    return job;
  }

  @Test
  void aReRunKeepingExistingCopiesLeavesWhatTheTenantChangedAndAddsWhatTheTemplateGained() {
    var first = succeeded(engine.provision(token(), new JsonObject().put("templateOrganization",
        template.templateId()).put("target", new JsonObject().put("name", "keep-tenant"))));
    var target = first.getString("targetOrganization");
    var copyOf = IdFunction.nameBasedIn(target);
    var tenant = "/v1/organizations/" + target;
    var hook = tenant + "/hooks/" + copyOf.apply(template.hookIds().get(3));
    var queue = tenant + "/queues/" + copyOf.apply(template.queueIds().get(2));
    assertEquals(200, engine.org.send(HttpMethod.PATCH, hook, token(), new JsonObject().put("active", false))
        .statusCode());
    var tenantSettings = read(queue).getJsonObject("settings").copy().put("retries", 7);
    assertEquals(200, engine.org.send(HttpMethod.PATCH, queue, token(), new JsonObject()
        .put("settings", tenantSettings)).statusCode());
    var member = template.member().id();
    assertEquals(200, engine.org.send(HttpMethod.PUT, tenant + "/users/" + member + "/roles", token(),
        new JsonObject().put("roles", new JsonArray().add("editor"))).statusCode());
    var templatePath = "/v1/organizations/" + template.templateId();
    var newWorkspace = TemplateFixture.id(engine.org.post(templatePath + "/workspaces", token(),
        new JsonObject().put("name", "ws-new")));

    var plan = succeeded(engine.provision(token(), into(target, keep()).put("dryRun", true)));
    for (var plugin : List.of("queues", "hooks", "users", "roles", "groups")) {
      assertEquals(0, step(plan, plugin).getLong("created") + step(plan, plugin).getLong("updated"),
          "the plan changes no " + plugin + ": " + step(plan, plugin));
    }
    assertEquals(1, step(plan, "workspaces").getLong("created"), step(plan, "workspaces").encode());

    var kept = succeeded(engine.provision(token(), into(target, keep())));
    for (var plugin : List.of("queues", "hooks", "users", "roles", "groups", "schemas")) {
      assertEquals(0, step(kept, plugin).getLong("created") + step(kept, plugin).getLong("updated"),
          "the re-run writes no " + plugin + ": " + step(kept, plugin));
    }
    assertEquals(1, step(kept, "workspaces").getLong("created"), step(kept, "workspaces").encode());
    assertEquals(200, engine.org.get(tenant + "/workspaces/" + copyOf.apply(newWorkspace), token()).statusCode(),
        "the template's new workspace is copied");
    assertEquals(false, read(hook).getBoolean("active"), "the hook the tenant disabled stays disabled");
    assertEquals(tenantSettings, read(queue).getJsonObject("settings"), "the queue keeps the tenant's settings");
    assertEquals(List.of("editor"), roles(tenant, member), "the member keeps the tenant's roles");
    var hooks = kindDiff(target, "hooks");
    assertEquals(List.of(copyOf.apply(template.hookIds().get(3))), hooks.getJsonArray("tenantChanged").getList(),
        "the diff tells the tenant's change of a copy: " + hooks.encode());
    assertEquals(List.of(), hooks.getJsonArray("changed").getList(), hooks.encode());
    assertEquals(List.of(copyOf.apply(template.queueIds().get(2))), kindDiff(target, "queues")
        .getJsonArray("tenantChanged").getList());
    var users = kindDiff(target, "users");
    assertEquals(List.of(member), users.getJsonArray("tenantChanged").getList(),
        "the diff tells the tenant's change of a member's roles: " + users.encode());
    assertEquals(List.of(), users.getJsonArray("changed").getList(), users.encode());

    var synced = succeeded(engine.provision(token(), into(target, new JsonObject())));
    assertTrue(step(synced, "hooks").getLong("updated") >= 1, step(synced, "hooks").encode());
    assertTrue(step(synced, "queues").getLong("updated") >= 1, step(synced, "queues").encode());
    assertEquals(true, read(hook).getBoolean("active"), "without keep the copy is the template's again");
    assertEquals(null, read(queue).getJsonObject("settings").getValue("retries"));
    assertEquals(List.of("auditor"), roles(tenant, member));
    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, token());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), diff.bodyAsString());
  }

  /** A new tenant copied with keep is a whole copy: hooks that run after hooks of later pages included. */
  @Test
  void aNewTenantCopiedKeepingExistingCopiesIsInSync() {
    var job = succeeded(engine.provision(token(), new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "keep-new")).put("options", keep())));
    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target="
        + job.getString("targetOrganization"), token());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), diff.bodyAsString());
  }

  /**
   * A hook copy nobody changed stays exactly as it is when its template hook gains a run-after reference, here to a
   * hook the template gained too, whose copy the re-run makes: keeping completes only what a copy left out when it
   * was made, and the template's change is no such thing.
   */
  @Test
  void aReRunKeepingExistingCopiesGivesAnUntouchedHookNoRunAfterReferenceItsTemplateGained() {
    var target = succeeded(engine.provision(token(), new JsonObject().put("templateOrganization",
        template.templateId()).put("target", new JsonObject().put("name", "keep-run-after"))))
        .getString("targetOrganization");
    var copyOf = IdFunction.nameBasedIn(target);
    var templatePath = "/v1/organizations/" + template.templateId();
    var added = TemplateFixture.id(engine.org.post(templatePath + "/hooks", token(), new JsonObject()
        .put("name", "hook-added").put("url", "https://hooks.example.com/added")
        .put("events", new JsonArray().add("queue.created"))));
    var last = template.hookIds().get(template.hookIds().size() - 1);
    var runAfter = read(templatePath + "/hooks/" + last).getJsonArray("runAfter").copy().add(added);
    assertEquals(200, engine.org.send(HttpMethod.PATCH, templatePath + "/hooks/" + last, token(),
        new JsonObject().put("runAfter", runAfter)).statusCode());
    var hook = "/v1/organizations/" + target + "/hooks/" + copyOf.apply(last);
    var before = read(hook);

    var kept = succeeded(engine.provision(token(), into(target, keep())));
    assertEquals(1, step(kept, "hooks").getLong("created"), step(kept, "hooks").encode());
    assertEquals(0, step(kept, "hooks").getLong("updated"), step(kept, "hooks").encode());
    assertEquals(before, read(hook), "the existing copy stays exactly as it was");
    assertEquals(200, engine.org.get("/v1/organizations/" + target + "/hooks/" + copyOf.apply(added), token())
        .statusCode(), "the template's new hook is copied");
    var hooks = kindDiff(target, "hooks");
    assertEquals(List.of(copyOf.apply(last)), hooks.getJsonArray("changed").getList(),
        "the diff shows the template's change the kept copy lacks: " + hooks.encode());
    assertEquals(List.of(), hooks.getJsonArray("tenantChanged").getList(), hooks.encode());
  }

  /**
   * Joining a team moves the team's {@code updatedAt}, so a team copy without a member its template team gained since
   * is the template's change to the diff, not the tenant's; a re-run keeping existing copies leaves it so.
   */
  @Test
  void aTeamCopyWithoutAMemberItsTemplateTeamGainedIsChangedNotTheTenants() {
    var copied = OwnCopy.named("keep-team");
    var admin = copied.admin();
    var joiner = engine.org.newUser("joiner").id();
    var joined = engine.org.post(copied.templatePath() + "/users", engine.org.platformAdminToken(), new JsonObject()
        .put("userIds", new JsonArray().add(joiner)).put("roles", new JsonArray().add("auditor")));
    assertEquals(200, joined.statusCode(), joined.bodyAsString());
    var teamJoined = engine.org.post(copied.templatePath() + "/groups/" + copied.team() + "/users", admin,
        new JsonObject().put("userIds", new JsonArray().add(joiner)));
    assertEquals(200, teamJoined.statusCode(), teamJoined.bodyAsString());

    var kept = succeeded(engine.provision(admin, new JsonObject().put("templateOrganization",
        copied.own().templateId()).put("targetOrganization", copied.target()).put("options", keep())));
    assertEquals(0, step(kept, "groups").getLong("updated"), step(kept, "groups").encode());
    var groups = copied.kindDiff("groups");
    assertEquals(List.of(copied.teamCopy()), groups.getJsonArray("changed").getList(), groups.encode());
    assertEquals(List.of(), groups.getJsonArray("tenantChanged").getList(), groups.encode());
  }

  /**
   * A member's roles and a team's member list move their times as other fields do: a team copy the tenant took a
   * member out of is the tenant's change, a member whose roles the template changed since the copy is the template's.
   */
  @Test
  void theDiffTellsWhoChangedATeamsMembersAndAMembersRoles() {
    var copied = OwnCopy.named("who-changed");
    var member = copied.own().member().id();
    assertEquals(204, engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + copied.target() + "/groups/"
        + copied.teamCopy() + "/users/" + member, copied.admin(), null).statusCode());
    assertEquals(200, engine.org.send(HttpMethod.PUT, copied.templatePath() + "/users/" + member + "/roles",
        copied.admin(), new JsonObject().put("roles", new JsonArray().add("editor"))).statusCode());

    var groups = copied.kindDiff("groups");
    assertEquals(List.of(copied.teamCopy()), groups.getJsonArray("tenantChanged").getList(), groups.encode());
    assertEquals(List.of(), groups.getJsonArray("changed").getList(), groups.encode());
    var users = copied.kindDiff("users");
    assertEquals(List.of(member), users.getJsonArray("changed").getList(), users.encode());
    assertEquals(List.of(), users.getJsonArray("tenantChanged").getList(), users.encode());
  }

  /**
   * A template of its own, copied into a new tenant, with its group admin's token and its team's id: the class's
   * template stays as its other tests expect it (jobs read members through a cache).
   */
  private record OwnCopy(TemplateFixture own, String admin, String target, String team) {

    static OwnCopy named(String name) {
      var own = TemplateFixture.build(engine.org, name + "-template");
      var admin = own.groupAdmin().token();
      var target = succeeded(engine.provision(admin, new JsonObject().put("templateOrganization", own.templateId())
          .put("target", new JsonObject().put("name", name)))).getString("targetOrganization");
      var team = engine.items("/v1/organizations/" + own.templateId() + "/groups", admin).stream()
          .map(JsonObject.class::cast).filter(t -> t.getString("name").equals("support")).findFirst().orElseThrow()
          .getString("id");
      return new OwnCopy(own, admin, target, team);
    }

    String templatePath() {
      return "/v1/organizations/" + own.templateId();
    }

    /** The team's copy in the tenant. */
    String teamCopy() {
      return IdFunction.nameBasedIn(target).apply(team);
    }

    JsonObject kindDiff(String kind) {
      return KeepingExistingCopiesTest.kindDiff(own.templateId(), target, admin, kind);
    }
  }

  /** The diff's entry for {@code kind} of the class's template and {@code target}. */
  private static JsonObject kindDiff(String target, String kind) {
    return kindDiff(template.templateId(), target, token(), kind);
  }

  private static JsonObject kindDiff(String source, String target, String token, String kind) {
    var diff = engine.get("/v1/provisioning/diff?source=" + source + "&target=" + target, token);
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    return diff.bodyAsJsonObject().getJsonArray("kinds").stream().map(JsonObject.class::cast)
        .filter(entry -> entry.getString("kind").equals(kind)).findFirst().orElseThrow();
  }

  @Test
  void anUnknownValueIsRefusedNamingTheOption() {
    for (var value : List.of("merge", true)) {
      var refused = engine.post("/v1/provisioning/jobs", token(), new JsonObject()
          .put("templateOrganization", template.templateId()).put("target", new JsonObject().put("name", "keep-bad"))
          .put("options", new JsonObject().put("existing", value)));
      assertProblem(refused, 400, "validation_failed");
      assertEquals("options.existing", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
          .getString("field"), refused.bodyAsString());
    }
  }

  private static List<Object> roles(String tenant, String member) {
    return engine.items(tenant + "/users", token()).stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("userId").equals(member)).findFirst().orElseThrow().getJsonArray("roles").getList();
  }

  /**
   * No run deletes anything: a copy of a template object deleted since stays in the tenant, the diff's extra, until
   * an operator deletes it there.
   */
  @Test
  void aReRunLeavesTheCopyOfADeletedTemplateObjectUntilItIsDeletedInTheTenant() {
    var source = TemplateFixture.id(engine.org.post("/v1/organizations", token(), new JsonObject()
        .put("name", "deleting-template").put("title", "deleting").put("groupId", template.groupId())));
    var templateWorkspaces = "/v1/organizations/" + source + "/workspaces";
    TemplateFixture.id(engine.org.post(templateWorkspaces, token(), new JsonObject().put("name", "kept")));
    var doomed = TemplateFixture.id(engine.org.post(templateWorkspaces, token(),
        new JsonObject().put("name", "doomed")));
    var target = succeeded(engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("target", new JsonObject().put("name", "deleting-tenant")))).getString("targetOrganization");
    var diff = "/v1/provisioning/diff?source=" + source + "&target=" + target;
    assertTrue(engine.get(diff, token()).bodyAsJsonObject().getBoolean("inSync"));

    assertEquals(204, engine.org.send(HttpMethod.DELETE, templateWorkspaces + "/" + doomed, token(), null)
        .statusCode());
    succeeded(engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("targetOrganization", target)));
    var copy = IdFunction.nameBasedIn(target).apply(doomed);
    var drift = engine.get(diff, token()).bodyAsJsonObject();
    assertEquals(false, drift.getBoolean("inSync"), drift.encodePrettily());
    var workspaces = drift.getJsonArray("kinds").stream().map(JsonObject.class::cast)
        .filter(kind -> kind.getString("kind").equals("workspaces")).findFirst().orElseThrow();
    assertEquals(new JsonArray().add(copy), workspaces.getJsonArray("extra"), drift.encodePrettily());

    assertEquals(204, engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + target + "/workspaces/" + copy,
        token(), null).statusCode());
    assertTrue(engine.get(diff, token()).bodyAsJsonObject().getBoolean("inSync"));
  }
}
