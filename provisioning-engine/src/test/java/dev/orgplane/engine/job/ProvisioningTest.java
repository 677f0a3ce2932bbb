package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.PluginMark;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedAnswers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProvisioningTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject(), "template-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private static JsonObject provision(JsonObject request) {
    var queued = engine.post("/v1/provisioning/jobs", token(), request);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertTrue(queued.getHeader("Location").endsWith(queued.bodyAsJsonObject().getString("id")));
    return engine.awaitEnd("/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id"), token());
  }

  private static JsonObject newTarget(String name) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", name).put("title", "Tenant " + name));
  }

  private static JsonObject step(JsonObject job, String plugin) {
    return job.getJsonArray("steps").stream().map(JsonObject.class::cast)
        .filter(s -> s.getString("plugin").equals(plugin)).findFirst().orElseThrow();
  }

  /**
   * A job queued after its template changed copies the change, though an earlier job read the template's roles
   * moments before: the engine keeps a template's pages for the jobs of one batch only.
   */
  @Test
  void aJobQueuedAfterItsTemplateChangedCopiesTheChangeWhateverAnEarlierJobRead() {
    var source = TemplateFixture.id(engine.org.post("/v1/organizations", token(), new JsonObject()
        .put("name", "changing-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "changing")
        .put("groupId", template.groupId())));
    var roles = "/v1/organizations/" + source + "/roles";
    TemplateFixture.id(engine.org.post(roles, token(), new JsonObject().put("name", "early").put("title", "early")
        .put("permissions", new JsonArray())));
    var before = engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("target", new JsonObject().put("name", "before-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals("succeeded", before.getString("status"), before.encodePrettily());

    TemplateFixture.id(engine.org.post(roles, token(), new JsonObject().put("name", "late").put("title", "late")
        .put("permissions", new JsonArray())));
    var after = engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("target", new JsonObject().put("name", "after-" + UUID.randomUUID().toString().substring(0, 8))));
    assertEquals("succeeded", after.getString("status"), after.encodePrettily());
    var copied = items("/v1/organizations/" + after.getString("targetOrganization") + "/roles").stream()
        .map(role -> ((JsonObject) role).getString("name")).toList();
    assertTrue(copied.containsAll(List.of("early", "late")), copied.toString());
  }

  private static JsonArray items(String path) {
    return engine.items(path, token());
  }

  private static Map<String, JsonObject> byName(JsonArray items) {
    return items.stream().map(JsonObject.class::cast).collect(Collectors.toMap(item -> item.getString("name"),
        item -> item));
  }

  @Test
  void copiesEveryKindWithReferencesRemappedAndTheCopyHasNoDrift() {
    var job = provision(newTarget("tenant-" + UUID.randomUUID().toString().substring(0, 8)));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    assertEquals(new JsonArray().add("roles").add("schemas").add("users").add("workspaces").add("groups")
        .add("queues").add("hooks").getList().stream().sorted().toList(),
        job.getJsonArray("plugins").getList().stream().sorted().toList());
    assertEquals(9, step(job, "queues").getLong("created"));
    assertEquals(9, step(job, "hooks").getLong("created"));
    assertEquals(2, step(job, "roles").getLong("created"));
    assertEquals(1, step(job, "users").getLong("created"), "the member; the owner was adopted");
    assertEquals(java.util.List.of("plugin", "status", "planned", "created", "updated", "copied", "unchanged", "failed"),
        java.util.List.copyOf(step(job, "queues").fieldNames()), "counts only: cursors stay in the engine");
    assertFalse(job.containsKey("leaseOwner") || job.containsKey("templateOrg"), job.encode());
    var target = job.getString("targetOrganization");

    var organization = engine.org.get("/v1/organizations/" + target, token()).bodyAsJsonObject();
    assertEquals(template.groupId(), organization.getString("groupId"));
    assertEquals(template.templateId(), organization.getJsonObject("provisionedFrom").getString("templateId"));
    assertEquals(job.getString("id"), organization.getJsonObject("provisionedFrom").getString("jobId"));

    var targetWorkspaces = new HashSet<>();
    items("/v1/organizations/" + target + "/workspaces").forEach(w -> targetWorkspaces.add(((JsonObject) w).getString("id")));
    var targetSchemas = new HashSet<>();
    items("/v1/organizations/" + target + "/schemas").forEach(s -> targetSchemas.add(((JsonObject) s).getString("id")));
    var targetTeam = items("/v1/organizations/" + target + "/groups").getJsonObject(0).getString("id");
    var templateMembers = items("/v1/organizations/" + template.templateId() + "/groups").getJsonObject(0)
        .getLong("memberCount");
    assertTrue(templateMembers > 0);
    assertEquals(templateMembers, items("/v1/organizations/" + target + "/groups").getJsonObject(0)
        .getLong("memberCount"), "the team's members were copied with it");
    var queues = items("/v1/organizations/" + target + "/queues");
    assertEquals(9, queues.size());
    for (var raw : queues) {
      var queue = (JsonObject) raw;
      assertTrue(targetWorkspaces.contains(queue.getString("workspaceId")), queue.encode());
      assertTrue(targetSchemas.contains(queue.getJsonObject("settings").getString("fallbackSchema")),
          "template ids inside settings point at the copies: " + queue.encode());
      assertEquals(targetTeam, queue.getJsonObject("settings").getString("escalationTeam"),
          "even ids of kinds copied by another chain of plugins, side by side: " + queue.encode());
      assertFalse(template.queueIds().contains(queue.getString("id")));
    }
    var targetQueues = queues.stream().map(q -> ((JsonObject) q).getString("id")).toList();
    var queueNames = queues.stream().map(q -> ((JsonObject) q).getJsonObject("settings"))
        .flatMap(settings -> Stream.of(settings.getString("previousQueue"),
            settings.getString("deadLetterQueue"))).filter(Objects::nonNull).toList();
    assertEquals(9, queueNames.size());
    assertTrue(targetQueues.containsAll(queueNames),
        "queues named in settings are the copies, a later page's too: " + queueNames + " " + targetQueues);
    var hooks = items("/v1/organizations/" + target + "/hooks");
    var hookByName = byName(hooks);
    var queueByName = byName(queues);
    assertEquals(9, hookByName.size(), hooks.encode());
    for (int i = 0; i < 9; i++) {
      assertEquals(queueByName.get("queue-" + i).getString("id"),
          hookByName.get("hook-" + i).getJsonObject("config").getString("queue"), "a hook's config names its queue's copy");
    }
    assertEquals(hookByName.get("hook-8").getString("id"),
        hookByName.get("hook-0").getJsonObject("config").getString("escalateTo"),
        "a hook named in a hook's config is its copy, a later page's too");
    var chained = hooks.stream().map(JsonObject.class::cast).filter(h -> !h.getJsonArray("runAfter").isEmpty()).count();
    assertEquals(8, chained, "every runAfter link survives, forward references across pages included");

    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, token());
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), diff.bodyAsString());

    var audit = engine.org.get("/v1/organizations/" + target + "/audit-events?limit=500", token()).bodyAsJsonObject();
    assertTrue(audit.getJsonArray("items").stream().map(JsonObject.class::cast)
        .anyMatch(e -> job.getString("id").equals(e.getString("jobId"))), "audit events carry the job id");
    for (var reportedTo : new String[] {target, template.templateId()}) {
      var finished = finishedEvents(reportedTo, job.getString("id"), 1);
      assertEquals(1, finished.size(), "both organizations' hooks hear of the end once");
      assertEquals("succeeded", finished.get(0).getString("status"));
      assertEquals(target, finished.get(0).getString("targetOrganization"));
    }
  }

  /**
   * A workspace's plugin mark counts for an installed plugin only: until session 33 the mark of a plugin since
   * removed, or one a tenant wrote, hid the workspace from the diff, which never called it extra.
   */
  @Test
  void aMarkOfNoInstalledPluginHidesNothingFromTheDiff() {
    var job = provision(newTarget("marked-" + UUID.randomUUID().toString().substring(0, 8)));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = job.getString("targetOrganization");
    var workspaces = "/v1/organizations/" + target + "/workspaces";
    var retired = TemplateFixture.id(engine.org.post(workspaces, token(), new JsonObject().put("name", "docs-old")
        .put("metadata", new JsonObject().put(PluginMark.FIELD, "retired-docs"))));
    TemplateFixture.id(engine.org.post(workspaces, token(), new JsonObject().put("name", "queues-own")
        .put("metadata", new JsonObject().put(PluginMark.FIELD, "queues"))));

    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, token());
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    var kind = diff.bodyAsJsonObject().getJsonArray("kinds").stream().map(JsonObject.class::cast)
        .filter(k -> k.getString("kind").equals("workspaces")).findFirst().orElseThrow();
    assertEquals(new JsonArray().add(retired), kind.getJsonArray("extra"), "the installed queues plugin answers "
        + "for its own mark, no plugin for the retired one: " + kind.encode());
  }

  /** The {@code provisioning.job.finished} events of {@code jobId} in an organization, once there are {@code expected}. */
  private static java.util.List<JsonObject> finishedEvents(String organization, String jobId, int expected) {
    return engine.finishedEvents(organization, token(), jobId, expected);
  }

  /**
   * A tenant queued by a group admin who is no member of the template is theirs to own: the copy never touches its
   * owner, and until session 30 the diff listed them as an extra member, so the tenant was never in sync.
   */
  @Test
  void aTenantsOwnerWhoIsNoTemplateMemberIsNoDrift() {
    var admin = engine.org.newVerifiedUser("other-admin");
    assertEquals(204, engine.org.send(HttpMethod.PUT, "/v1/organization-groups/"
        + template.groupId() + "/admins/" + admin.id(), engine.org.platformAdminToken(), null).statusCode());
    var queued = engine.post("/v1/provisioning/jobs", admin.token(),
        newTarget("owned-" + UUID.randomUUID().toString().substring(0, 8)));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var job = engine.awaitEnd("/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id"), admin.token());
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());

    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target="
        + job.getString("targetOrganization"), admin.token());
    assertEquals(200, diff.statusCode(), diff.bodyAsString());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), diff.bodyAsString());
  }

  @Test
  void copyingAgainIntoTheSameTargetCreatesNothingTwice() {
    var first = provision(newTarget("again-" + UUID.randomUUID().toString().substring(0, 8)));
    var target = first.getString("targetOrganization");
    var second = provision(new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", target));
    assertEquals("succeeded", second.getString("status"), second.encodePrettily());
    assertEquals(7, second.getJsonArray("steps").size(), "a step for each plugin: " + second.encodePrettily());
    for (var step : second.getJsonArray("steps")) {
      var counts = (JsonObject) step;
      assertEquals(0, counts.getLong("created"), counts.encode());
      assertEquals(0, counts.getLong("updated"), counts.encode());
    }
    assertEquals(9, items("/v1/organizations/" + target + "/queues").size());

    var byName = provision(newTarget(first.getJsonObject("target").getString("name")));
    assertEquals("succeeded", byName.getString("status"), "asked again for a tenant the template made, a job brings "
        + "it up to date instead of failing on its name: " + byName.encodePrettily());
    assertEquals(target, byName.getString("targetOrganization"));
    assertEquals(0, byName.getJsonArray("steps").stream().mapToLong(s -> ((JsonObject) s).getLong("created")).sum());

    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'running', lease_owner = 'engine-elsewhere', "
        + "lease_until = now() + interval '1 hour' WHERE id = '" + first.getString("id") + "'");
    var meanwhile = provision(newTarget(first.getJsonObject("target").getString("name")));
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'succeeded', lease_owner = NULL, "
        + "lease_until = NULL WHERE id = '" + first.getString("id") + "'");
    assertEquals("failed", meanwhile.getString("status"), "not while another job copies into it");
    assertTrue(meanwhile.getJsonObject("error").getString("detail").contains("is being provisioned"),
        meanwhile.encodePrettily());
  }

  /**
   * Jobs copying into one organization take turns, however they were queued (batches naming it, jobs of their own):
   * two at once would meet each other's writes.
   */
  @Test
  void jobsCopyingIntoOneOrganizationTakeTurns() {
    var target = provision(newTarget("turns-" + UUID.randomUUID().toString().substring(0, 8)))
        .getString("targetOrganization");
    var queued = new java.util.ArrayList<String>();
    for (int i = 0; i < 4; i++) {
      var path = i < 2 ? "/v1/provisioning/batches" : "/v1/provisioning/jobs";
      var request = new JsonObject().put("templateOrganization", template.templateId());
      var answer = engine.post(path, token(), i < 2
          ? request.put("targets", new JsonArray().add(new JsonObject().put("organization", target)))
          : request.put("targetOrganization", target));
      assertEquals(202, answer.statusCode(), answer.bodyAsString());
      queued.add(path + "/" + answer.bodyAsJsonObject().getString("id"));
    }
    for (var path : queued) {
      var ended = engine.awaitEnd(path, token());
      assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    }
    assertEquals(0, PgFixture.queryLong(engine.db, "SELECT count(*) FROM provisioning.jobs a JOIN provisioning.jobs b "
        + "ON a.id < b.id AND a.target_org = b.target_org WHERE a.target_org = '" + target + "' "
        + "AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)"),
        "no two of them ran at once");
  }

  @Test
  void aCrashBetweenWritesAndCheckpointsResumesWithoutDuplicates() {
    var done = provision(newTarget("crash-" + UUID.randomUUID().toString().substring(0, 8)));
    var jobId = done.getString("id");
    // As if the engine died mid-copy: the writes landed, the checkpoints did not, the lease lapsed. The steps go
    // back first: a job claimable before them could be taken over and run its steps before they were reset.
    PgFixture.execute(engine.db,
        "UPDATE provisioning.job_steps SET status = 'running', cursor = NULL, created = 0, updated = 0, unchanged = 0"
            + " WHERE job_id = '" + jobId + "' AND plugin IN ('queues', 'hooks')",
        "UPDATE provisioning.jobs SET status = 'running', lease_owner = 'dead-engine', lease_until = now() - interval '1 second',"
            + " finished_at = NULL WHERE id = '" + jobId + "'");
    var resumed = engine.awaitEnd("/v1/provisioning/jobs/" + jobId, token());
    assertEquals("succeeded", resumed.getString("status"), resumed.encodePrettily());
    assertEquals(2, resumed.getInteger("attempts"));
    // the resumed pages get the answers of their writes that landed: what the job created counts created
    assertEquals(9, step(resumed, "queues").getLong("created"));
    assertEquals(0, step(resumed, "queues").getLong("unchanged"));
    assertEquals(9, items("/v1/organizations/" + done.getString("targetOrganization") + "/hooks").size());
  }

  @Test
  void aDryRunPlansEverythingAndWritesNothing() {
    var name = "dry-" + UUID.randomUUID().toString().substring(0, 8);
    var job = provision(newTarget(name).put("dryRun", true));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    assertTrue(job.getBoolean("dryRun"));
    assertEquals(9, step(job, "hooks").getLong("planned"));
    assertNull(job.getString("targetOrganization"));
    assertEquals(404, engine.org.get("/v1/organizations/" + name, token()).statusCode());
  }

  /**
   * A dry run of a new target plans what the real run would do: against the tenant of that name the template made,
   * which the real run brings up to date, and failing where the real run is refused the name.
   */
  @Test
  void aDryRunOfANewTargetPlansAgainstTheOrganizationTheRealRunWouldCopyInto() {
    var name = "replan-" + UUID.randomUUID().toString().substring(0, 8);
    var made = provision(newTarget(name));
    assertEquals("succeeded", made.getString("status"), made.encodePrettily());

    var plan = provision(newTarget(name).put("dryRun", true));
    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    assertEquals(made.getString("targetOrganization"), plan.getString("targetOrganization"));
    assertEquals(0, step(plan, "hooks").getLong("created"), plan.encodePrettily());
    assertEquals(9, step(plan, "hooks").getLong("unchanged"), plan.encodePrettily());

    var templateName = engine.org.get("/v1/organizations/" + template.templateId(), token()).bodyAsJsonObject()
        .getString("name");
    var taken = provision(newTarget(templateName).put("dryRun", true));
    assertEquals("failed", taken.getString("status"), "the real run is refused the name: " + taken.encodePrettily());
    assertEquals("organization_name_taken", taken.getJsonObject("error").getString("code"));
  }

  @Test
  void aBatchRunsEveryTargetAndCountsThem() {
    var prefix = "batch-" + UUID.randomUUID().toString().substring(0, 6);
    var targets = new JsonArray();
    for (int i = 0; i < 3; i++) {
      targets.add(new JsonObject().put("name", prefix + "-" + i).put("title", "Batch " + i));
    }
    var queued = engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("groupId", template.groupId())
        .put("targets", targets).put("concurrency", 2).put("options", new JsonObject().put("copyMembers", false)));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var batch = engine.awaitEnd("/v1/provisioning/batches/" + queued.bodyAsJsonObject().getString("id"), token());
    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    assertEquals(3, batch.getJsonObject("counts").getLong("succeeded"));
    assertFalse(batch.getBoolean("dryRun"), batch.encodePrettily());
    var jobs = engine.get("/v1/provisioning/batches/" + batch.getString("id") + "/jobs", token()).bodyAsJsonObject();
    assertEquals(3, jobs.getJsonArray("items").size());
    for (var counted : new String[] {"created", "updated", "unchanged"}) {
      var summed = jobs.getJsonArray("items").stream().map(JsonObject.class::cast)
          .flatMap(job -> job.getJsonArray("steps").stream()).mapToLong(step -> ((JsonObject) step).getLong(counted))
          .sum();
      assertEquals(summed, batch.getJsonObject("objects").getLong(counted), "the batch sums its jobs' steps: " + counted);
    }
    assertTrue(batch.getJsonObject("objects").getLong("created") > 0, batch.encodePrettily());
    var target = jobs.getJsonArray("items").getJsonObject(0).getString("targetOrganization");
    assertEquals(1, items("/v1/organizations/" + target + "/users").size(), "copyMembers=false: only the owner");
    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, token());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), "a copy without members is in sync without them: "
        + diff.bodyAsString());
    var plan = provision(newTarget("plan-" + UUID.randomUUID().toString().substring(0, 8)).put("dryRun", true)
        .put("options", new JsonObject().put("copyMembers", false)));
    assertEquals(0, step(plan, "users").getLong("planned"), "nor does its plan make members: " + plan.encode());
  }

  /**
   * A re-run without the template's members ({@code --no-members}, which {@code --all-provisioned} offers over every
   * tenant) leaves the members of the tenant's teams as they are: until session 32 it emptied every team.
   */
  @Test
  void aRerunWithoutMembersLeavesTheTeamsMembers() {
    var first = provision(newTarget("members-" + UUID.randomUUID().toString().substring(0, 8)));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    var teams = "/v1/organizations/" + first.getString("targetOrganization") + "/groups";
    var members = items(teams).getJsonObject(0).getLong("memberCount");
    assertTrue(members > 0, "the team's members were copied with it");

    var again = provision(new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", first.getString("targetOrganization"))
        .put("options", new JsonObject().put("copyMembers", false)));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals(members, items(teams).getJsonObject(0).getLong("memberCount"), "the team keeps its members");
    assertEquals(1, step(again, "groups").getLong("unchanged"), again.encode());
  }

  @Test
  void aBatchSaysWhetherItIsADryRun() {
    var name = "dry-batch-" + UUID.randomUUID().toString().substring(0, 6);
    var queued = engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("targets", new JsonArray().add(new JsonObject().put("name", name))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertTrue(queued.bodyAsJsonObject().getBoolean("dryRun"), queued.bodyAsString());
    var id = queued.bodyAsJsonObject().getString("id");
    var listed = engine.get("/v1/provisioning/batches?limit=500", token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast)
        .filter(batch -> batch.getString("id").equals(id)).findFirst().orElseThrow();
    assertTrue(listed.getBoolean("dryRun"), "the list tells a dry run from a real batch: " + listed.encode());
  }

  @Test
  void aCopyThatCollidesWithATargetsOwnObjectNamesTheTemplateObject() {
    var first = provision(newTarget("collide-" + UUID.randomUUID().toString().substring(0, 8)));
    var target = "/v1/organizations/" + first.getString("targetOrganization");
    var copy = items(target + "/workspaces").stream().map(JsonObject.class::cast)
        .filter(w -> w.getString("name").equals("ws-0")).findFirst().orElseThrow();
    engine.org.send(io.vertx.core.http.HttpMethod.PATCH, target + "/workspaces/" + copy.getString("id"), token(),
        new JsonObject().put("name", "renamed-here"));
    assertEquals(201, engine.org.post(target + "/workspaces", token(), new JsonObject().put("name", "ws-0"))
        .statusCode());

    var again = provision(new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", first.getString("targetOrganization")));
    assertEquals("failed", again.getString("status"), again.encodePrettily());
    var error = again.getJsonObject("error");
    assertEquals("name_taken", error.getString("code"), error.encode());
    var original = items("/v1/organizations/" + template.templateId() + "/workspaces").stream()
        .map(JsonObject.class::cast).filter(w -> w.getString("name").equals("ws-0")).findFirst().orElseThrow();
    assertEquals(original.getString("id"), error.getString("object"), error.encode());
    assertTrue(error.getString("detail").contains("ws-0"), error.encode());
    // org-service's detail as it is: until session 44 it led with the status and the code beside it ("409 name_taken: ")
    assertFalse(error.getString("detail").contains("name_taken"), error.encode());
  }

  /** A crash between creating the target and recording it: the job's next attempt adopts what it made. */
  @Test
  void aJobAdoptsTheTargetItMadeButDidNotRecord() {
    var name = "adopted-" + UUID.randomUUID().toString().substring(0, 8);
    var first = provision(newTarget(name));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    var jobId = first.getString("id");
    PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'failed', target_org = NULL WHERE id = '"
        + jobId + "'");
    var retried = engine.post("/v1/provisioning/jobs/" + jobId + "/retry", token(), null);
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    var again = engine.awaitEnd("/v1/provisioning/jobs/" + jobId, token());
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals(first.getString("targetOrganization"), again.getString("targetOrganization"),
        "the organization the job made is adopted, not made twice");
  }

  @Test
  void aFailedJobNamesItsCauseAndFailsItsBatch() {
    var taken = "taken-" + UUID.randomUUID().toString().substring(0, 8);
    engine.org.createOrg(template.member().token(), taken);
    var job = provision(newTarget(taken));
    assertEquals("failed", job.getString("status"));
    assertEquals("organization_name_taken", job.getJsonObject("error").getString("code"), job.encodePrettily());
    var reported = finishedEvents(template.templateId(), job.getString("id"), 1);
    assertEquals(1, reported.size());
    assertEquals("failed", reported.get(0).getString("status"));
    assertEquals("organization_name_taken", reported.get(0).getJsonObject("error").getString("code"));

    var batch = engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", taken))
            .add(new JsonObject().put("name", taken + "-ok"))));
    var ended = engine.awaitEnd("/v1/provisioning/batches/" + batch.bodyAsJsonObject().getString("id"), token());
    assertEquals("failed", ended.getString("status"), "a partial batch is never a success");
    assertEquals(1, ended.getJsonObject("counts").getLong("succeeded"));
    assertProblem(engine.post("/v1/provisioning/jobs/" + job.getString("id") + "/cancel", token(), null), 409,
        "job_finished");
    var retried = engine.post("/v1/provisioning/jobs/" + job.getString("id") + "/retry", token(), null);
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    assertEquals("failed", engine.awaitEnd("/v1/provisioning/jobs/" + job.getString("id"), token()).getString("status"));
    assertEquals(2, finishedEvents(template.templateId(), job.getString("id"), 2).size(), "the retry reports its own end");
  }

  /** A write org-service refuses field by field fails the job naming those fields, as org-service named them. */
  @Test
  void aJobOrgServiceRefusesNamesTheRefusedFields() {
    var request = newTarget("labelled-" + UUID.randomUUID().toString().substring(0, 8));
    request.getJsonObject("target").put("metadata", new JsonObject().put("labels", new JsonObject().put("tier", 5)));
    var job = provision(request);
    assertEquals("failed", job.getString("status"), job.encodePrettily());
    var errors = job.getJsonObject("error").getJsonArray("errors");
    assertTrue(errors != null && !errors.isEmpty() && errors.getJsonObject(0).getString("field").startsWith("metadata"),
        job.encodePrettily());
  }

  @Test
  void onlyTheGroupsAdminsMayProvisionAndSeeJobs() {
    var request = newTarget("nope-" + UUID.randomUUID().toString().substring(0, 8));
    assertProblem(engine.post("/v1/provisioning/jobs", template.member().token(), request), 403, "forbidden");
    var stranger = engine.org.newUser("stranger");
    assertProblem(engine.post("/v1/provisioning/jobs", stranger.token(), request), 404, "template_not_found");
    var job = engine.post("/v1/provisioning/jobs", token(), request.copy().put("dryRun", true)).bodyAsJsonObject();
    assertProblem(engine.get("/v1/provisioning/jobs/" + job.getString("id"), stranger.token()), 404, "job_not_found");
    assertProblem(engine.get("/v1/provisioning/jobs/" + job.getString("id"), null), 401, "invalid_token");
    // a job read whole would not be what its reader asked for
    var narrowed = engine.get("/v1/provisioning/jobs/" + job.getString("id") + "?fields=status", token());
    assertProblem(narrowed, 400, "unknown_parameter");
    assertEquals("fields", narrowed.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertProblem(engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target="
        + template.templateId(), stranger.token()), 404, "source_not_found");
  }

  @Test
  void thePluginsAreListedToSignedInCallersOnly() {
    assertProblem(engine.get("/v1/provisioning/plugins", null), 401, "invalid_token");
    var plugins = engine.get("/v1/provisioning/plugins", token());
    assertEquals(200, plugins.statusCode(), plugins.bodyAsString());
    assertEquals(7, plugins.bodyAsJsonObject().getJsonArray("items").size(), plugins.bodyAsString());
  }

  @Test
  void badRequestsAreRefusedWithProblems() {
    assertProblem(engine.post("/v1/provisioning/jobs", token(), new JsonObject().put("templateOrganization",
        template.templateId())), 400, "validation_failed");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), newTarget("x").put("surprise", 1)), 400,
        "validation_failed");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), newTarget("Bad Name!")), 400, "validation_failed");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), newTarget("fine-name").put("plugins",
        new JsonArray().add("spaceships"))), 422, "unknown_plugin");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), newTarget("fine-name").put("groupId",
        UUID.randomUUID().toString())), 422, "group_mismatch");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targetOrganization", template.templateId())), 422,
        "target_is_template");
    assertProblem(engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targets", new JsonArray())
        .put("concurrency", 0)), 400, "validation_failed");
    var twoWrongTargets = engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targets", new JsonArray()
            .add(new JsonObject().put("organization", UUID.randomUUID().toString()))
            .add(new JsonObject().put("name", "Bad Name!").put("title", "B"))));
    // the first wrong target is named, though the second one's fault is found without a round trip
    assertProblem(twoWrongTargets, 404, "target_not_found");
    assertProblem(engine.get("/v1/provisioning/jobs/" + UUID.randomUUID(), token()), 404, "job_not_found");
    assertProblem(engine.get("/v1/provisioning/jobs/not-a-uuid", token()), 400, "validation_failed");
    // a sign, which UUID.fromString takes: the job 00000000-...-000000000001 was looked for
    assertProblem(engine.post("/v1/provisioning/jobs/+0000000-0000-4000-8000-000000000001/cancel", token(), null),
        400, "validation_failed");
    assertProblem(engine.get("/v1/provisioning/diff?source=x", token()), 400, "invalid_query");
    // an empty reference names no organization (asked as such, it would have been org-service's list)
    assertProblem(engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=", token()), 400,
        "invalid_query");
    assertProblem(engine.post("/v1/provisioning/jobs", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targetOrganization", "")), 404, "target_not_found");
    assertProblem(engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targets", new JsonArray()
            .add(new JsonObject().put("organization", "")))), 404, "target_not_found");
  }

  @Test
  void selectedPluginsBringTheirDependencies() {
    var job = provision(newTarget("only-q-" + UUID.randomUUID().toString().substring(0, 8))
        .put("plugins", new JsonArray().add("queues")));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    assertEquals(3, job.getJsonArray("plugins").size(), job.encode());
    assertNotEquals(-1, job.getJsonArray("plugins").getList().indexOf("workspaces"));
  }

  @Test
  void theSameIdempotencyKeyAnswersTheSameJob() {
    var request = newTarget("idem-" + UUID.randomUUID().toString().substring(0, 8)).put("dryRun", true);
    var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    var first = engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/jobs", token(), request, headers);
    var again = engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/jobs", token(), request, headers);
    assertEquals(202, first.statusCode(), first.bodyAsString());
    assertEquals(first.bodyAsJsonObject().getString("id"), again.bodyAsJsonObject().getString("id"));
    assertProblem(engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/jobs", token(),
        request.copy().put("dryRun", false), headers), 422, "idempotency_key_reused");
  }

  /**
   * A job (or a batch) is created with its kept answer or not at all: an answer that cannot be kept undoes it, so no
   * commit leaves a job behind a key whose retry would queue a second one.
   */
  @Test
  void aJobWhoseAnswerCannotBeKeptIsNotCreatedAndItsRetryQueuesOne() {
    var name = "kept-" + UUID.randomUUID().toString().substring(0, 8);
    var request = newTarget(name).put("dryRun", true);
    var headers = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", name);
    var jobs = "SELECT count(*) FROM provisioning.jobs WHERE target->>'name' = '" + name + "'";
    var batch = new JsonObject().put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("targets", new JsonArray().add(new JsonObject().put("name", name)));
    try (var refused = RefusedAnswers.in(engine.db, "provisioning")) {
      assertEquals(500, engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/jobs", token(), request,
          headers).statusCode());
      assertEquals(500, engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/batches", token(), batch,
          io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", name + "-batch")).statusCode());
      assertEquals(0, PgFixture.queryLong(engine.db, jobs), "neither the job nor the batch's");
    }
    var queued = engine.send(io.vertx.core.http.HttpMethod.POST, "/v1/provisioning/jobs", token(), request, headers);
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(1, PgFixture.queryLong(engine.db, jobs));
  }

  @Test
  void aCancelledJobStopsAndARetryFinishesItFromItsCheckpoints() {
    var queued = engine.post("/v1/provisioning/jobs", token(),
        newTarget("cancel-" + UUID.randomUUID().toString().substring(0, 8))).bodyAsJsonObject();
    var path = "/v1/provisioning/jobs/" + queued.getString("id");
    var cancelled = engine.postedTwiceWithAKey(path + "/cancel", token());
    var ended = engine.awaitEnd(path, token());
    assertEquals("cancelled", ended.getString("status"), ended.encodePrettily());
    var retried = engine.postedTwiceWithAKey(path + "/retry", token());
    assertEquals("queued", retried.bodyAsJsonObject().getString("status"), retried.bodyAsString());
    var finished = engine.awaitEnd(path, token());
    assertEquals("succeeded", finished.getString("status"), finished.encodePrettily());
    var tag = engine.get(path, token()).getHeader("ETag");
    var unchanged = engine.send(io.vertx.core.http.HttpMethod.GET, path, token(), null,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-None-Match", tag));
    assertEquals(304, unchanged.statusCode(), "a finished job polled again is not sent again");
    assertEquals(9, items("/v1/organizations/" + finished.getString("targetOrganization") + "/hooks").size(),
        "the retry finished the copy, and created nothing twice");
    assertProblem(engine.post(path + "/retry", token(), null), 409, "job_not_retryable");
  }

  @Test
  void aFailedBatchIsRetriedAsAWhole() {
    var taken = "btaken-" + UUID.randomUUID().toString().substring(0, 8);
    var squatter = engine.org.createOrg(template.member().token(), taken);
    var batch = engine.post("/v1/provisioning/batches", token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", taken)))).bodyAsJsonObject();
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    assertEquals("failed", engine.awaitEnd(path, token()).getString("status"));
    engine.org.send(io.vertx.core.http.HttpMethod.DELETE, "/v1/organizations/" + squatter.getString("id"),
        template.member().token(), null);
    assertEquals(200, engine.post(path + "/retry", token(), null).statusCode());
    var ended = engine.awaitEnd(path, token());
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertProblem(engine.post(path + "/retry", token(), null), 409, "batch_not_retryable");
    assertProblem(engine.get("/v1/provisioning/batches/" + UUID.randomUUID(), token()), 404, "batch_not_found");
    assertProblem(engine.get(path + "/jobs?status=finished", token()), 400, "invalid_status");
    assertProblem(engine.get("/v1/provisioning/jobs?status=finished", token()), 400, "invalid_status");
    var stranger = engine.org.newUser("outsider");
    assertProblem(engine.get(path, stranger.token()), 404, "batch_not_found");
  }
}
