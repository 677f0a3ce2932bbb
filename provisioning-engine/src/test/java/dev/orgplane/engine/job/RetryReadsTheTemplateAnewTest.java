package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retry copies the template as it is when it runs, as a new job would: after the tenant fixed what failed the job
 * and the template changed, its steps that had succeeded copy again, and the template is read anew, however soon after
 * the earlier run. Until session 33 a retry kept its succeeded steps (a team member the template gained since was no
 * member of the target: {@code not_a_member} on every retry), and within the template's keeping took the pages its
 * earlier run had read (it succeeded, copying the team without them).
 */
class RetryReadsTheTemplateAnewTest {

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("retry-anew");

  /** The template's pages kept for no time: a retry a minute or more after the failure. */
  @Test
  void aRetriedJobCopiesTheTeamMemberTheTemplateGainedSince() {
    retriedAfterTheTemplateGainedATeamMember(new JsonObject().put("ORGPLANE_ENGINE_TEMPLATE_CACHE_MILLIS", "0"),
        (engine, job) -> "/v1/provisioning/jobs/" + job);
  }

  /** The template's pages kept as by default: a retry right after the fix, with the earlier run's reading held. */
  @Test
  void aBatchRetriedWithinTheTemplatesKeepingReadsItAnew() {
    retriedAfterTheTemplateGainedATeamMember(new JsonObject(), (engine, job) -> "/v1/provisioning/batches/"
        + engine.get("/v1/provisioning/jobs/" + job, idle.token()).bodyAsJsonObject().getString("batchId"));
  }

  /**
   * A job into an existing target holding a team of the template's team's name fails at the teams, after the members
   * were copied; the tenant renames its team, the template's team gains a new member, and the job is retried by
   * what {@code retried} names (the job, or its batch).
   */
  private static void retriedAfterTheTemplateGainedATeamMember(JsonObject settings,
      BiFunction<EngineHarness, String, String> retried) {
    var worker = idle.worker(settings);
    try {
      var engine = idle.engine();
      var org = engine.org;
      var source = organization("ra-template-");
      var target = organization("ra-target-");
      var team = TemplateFixture.id(org.post("/v1/organizations/" + source + "/groups", idle.token(),
          new JsonObject().put("name", "crew")));
      var clash = TemplateFixture.id(org.post("/v1/organizations/" + target + "/groups", idle.token(),
          new JsonObject().put("name", "crew")));
      var first = engine.provisionBatch(idle.token(), new JsonObject().put("templateOrganization", source)
          .put("plugins", new JsonArray().add("groups"))
          .put("targets", new JsonArray().add(new JsonObject().put("organization", target))));
      assertEquals("failed", first.getString("status"), first.encodePrettily());
      var job = engine.get("/v1/provisioning/batches/" + first.getString("id") + "/jobs", idle.token())
          .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
      assertEquals("group_name_taken", job.getJsonObject("error").getString("code"), job.encodePrettily());
      assertEquals("succeeded", EngineHarness.step(job, "users").getString("status"), job.encodePrettily());

      var renamed = org.send(HttpMethod.PATCH, "/v1/organizations/" + target + "/groups/" + clash, idle.token(),
          new JsonObject().put("name", "crew-old"));
      assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
      var newcomer = org.newUser("newcomer");
      org.addMembers(source, List.of(newcomer.id()), "member");
      var joined = org.post("/v1/organizations/" + source + "/groups/" + team + "/users", idle.token(),
          new JsonObject().put("userIds", new JsonArray().add(newcomer.id())));
      assertEquals(200, joined.statusCode(), joined.bodyAsString());

      var path = retried.apply(engine, job.getString("id"));
      assertEquals(200, engine.post(path + "/retry", idle.token(), new JsonObject()).statusCode(), path);
      engine.awaitEnd(path, idle.token());
      var again = engine.get("/v1/provisioning/jobs/" + job.getString("id"), idle.token()).bodyAsJsonObject();
      assertEquals("succeeded", again.getString("status"), again.encodePrettily());
      var teams = org.get("/v1/organizations/" + target + "/groups?include=userIds&limit=500", idle.token());
      assertEquals(200, teams.statusCode(), teams.bodyAsString());
      var crew = teams.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).filter(copy -> copy.getString("name").equals("crew")).findFirst()
          .orElseThrow();
      assertEquals(new JsonArray().add(newcomer.id()), crew.getJsonArray("userIds"), crew.encodePrettily());
      // the counts are the retry's run's: the owner found unchanged again, the newcomer made a member, not the first
      // run's added to them
      var users = EngineHarness.step(again, "users");
      assertEquals(1, users.getLong("created"), again.encodePrettily());
      assertEquals(1, users.getLong("unchanged"), again.encodePrettily());
    } finally {
      worker.undeploy(idle.vertx());
    }
  }

  private static String organization(String prefix) {
    return TemplateFixture.id(idle.engine().org.post("/v1/organizations", idle.token(), new JsonObject()
        .put("name", prefix + unique()).put("title", "T").put("groupId", idle.template().groupId())));
  }
}
