package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Copies of small templates, one per test, made beside the fixture's template in its group, on an engine that keeps
 * no template pages between jobs: a template changed between two jobs is read anew by the second.
 */
class SmallTemplatesTest extends TemplateEngineTest {

  @BeforeAll
  static void start() {
    startEngine(new JsonObject().put("ORGPLANE_ENGINE_TEMPLATE_CACHE_MILLIS", "0"), "small-templates-group");
  }

  private static JsonArray items(String path) {
    return engine.items(path, token());
  }

  private static void assertInSync(String source, String target) {
    var diff = engine.get("/v1/provisioning/diff?source=" + source + "&target=" + target, token());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), diff.bodyAsString());
  }

  /** A new organization in the template's group, to copy from, with the template's member as a plain member. */
  private static String anotherTemplate(String name) {
    var source = TemplateFixture.id(engine.org.post("/v1/organizations", token(), new JsonObject().put("name", name)
        .put("title", name).put("groupId", template.groupId())));
    assertEquals(200, engine.org.post("/v1/organizations/" + source + "/users", token(), new JsonObject()
        .put("userIds", new JsonArray().add(template.member().id())).put("roles", new JsonArray().add("member")))
        .statusCode());
    return source;
  }

  @Test
  void aMembersNewRolesReachTheCopyWhenItIsCopiedAgain() {
    var name = "promoted-" + UUID.randomUUID().toString().substring(0, 8);
    var source = anotherTemplate(name);
    var first = engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("plugins", new JsonArray().add("users")).put("target", new JsonObject().put("name", name + "-copy")));
    var target = first.getString("targetOrganization");
    assertEquals(200, engine.org.send(HttpMethod.PUT, "/v1/organizations/" + source + "/users/"
        + template.member().id() + "/roles", token(), new JsonObject().put("roles", new JsonArray().add("viewer")))
        .statusCode());

    var again = new JsonObject().put("templateOrganization", source).put("targetOrganization", target)
        .put("plugins", new JsonArray().add("users"));
    var plan = engine.provision(token(), again.copy().put("dryRun", true));
    assertEquals(1, EngineHarness.step(plan, "users").getLong("updated"), plan.encodePrettily());
    var copy = engine.provision(token(), again);
    assertEquals(1, EngineHarness.step(copy, "users").getLong("updated"), copy.encodePrettily());
    assertInSync(source, target);
    var copied = items("/v1/organizations/" + target + "/users").stream().map(JsonObject.class::cast)
        .filter(member -> member.getString("userId").equals(template.member().id())).findFirst().orElseThrow();
    assertEquals(new JsonArray().add("viewer"), copied.getJsonArray("roles"));
  }

  /** A service user belongs to its organization alone: a team's copy holds the team's people. */
  @Test
  void aTeamWithAServiceUserIsCopiedWithItsPeople() {
    var name = "robots-" + UUID.randomUUID().toString().substring(0, 8);
    var source = anotherTemplate(name);
    var base = "/v1/organizations/" + source;
    var robot = TemplateFixture.id(engine.org.post(base + "/service-users", token(),
        new JsonObject().put("name", "robot").put("roles", new JsonArray().add("member"))));
    var team = TemplateFixture.id(engine.org.post(base + "/groups", token(), new JsonObject().put("name", "operators")));
    var joined = engine.org.post(base + "/groups/" + team + "/users", token(), new JsonObject()
        .put("userIds", new JsonArray().add(template.member().id()).add(robot)));
    assertEquals(200, joined.statusCode(), joined.bodyAsString());

    var job = engine.provision(token(), new JsonObject().put("templateOrganization", source)
        .put("target", new JsonObject().put("name", name + "-copy")));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = job.getString("targetOrganization");
    assertEquals(1, items("/v1/organizations/" + target + "/groups").getJsonObject(0).getLong("memberCount"));
    assertInSync(source, target);
  }
}
