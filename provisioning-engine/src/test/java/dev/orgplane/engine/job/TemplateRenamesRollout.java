package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renames in a template rolled out into an existing copy: a chain (one object takes the name another gives up) and a
 * swap, of roles, of teams and of every setup kind (which org-service copies a page at a time itself), whichever
 * object has the lower id; a role's members follow it. A name the tenant gave an object of its own still stops the
 * rollout, naming the template object that wanted it, and a dry run predicts it (and plans the renames that pass).
 * A reversed run order of two hooks, which a rollout meets in the same order, reaches the copy as well.
 * Each subclass rolls out with its own page size: both objects on one page, or each on its own.
 */
abstract class TemplateRenamesRollout {

  /** The engine the subclass configured. */
  abstract WatchedTemplate watched();

  /** A template of two objects of {@code plugin}'s kind, and a copy of it made by the engine. */
  private final class Rollout {

    final String plugin;
    final String template;
    final List<String> ids;
    final JsonObject request;
    final String target;
    /** What a queue needs in the template: a workspace and a schema, which the job copies first. */
    final JsonObject queueNeeds = new JsonObject();

    Rollout(String plugin, String lower, String higher) {
      this.plugin = plugin;
      var engine = watched().engine();
      template = TemplateFixture.id(engine.org.post("/v1/organizations", watched().token(), new JsonObject()
          .put("name", "renames-template-" + unique()).put("title", "Renames")
          .put("groupId", watched().template().groupId())));
      if (plugin.equals("queues")) {
        queueNeeds.put("workspaceId", TemplateFixture.id(engine.org.post("/v1/organizations/" + template
            + "/workspaces", watched().token(), new JsonObject().put("name", "ws"))))
            .put("schemaId", TemplateFixture.id(engine.org.post("/v1/organizations/" + template + "/schemas",
                watched().token(), new JsonObject().put("name", "sc").put("content", new JsonObject()))));
      }
      ids = Stream.of("one", "two").map(name -> TemplateFixture.id(engine.org.post(path(template), watched().token(),
          body(name)))).sorted().toList();
      rename(0, lower);
      rename(1, higher);
      request = new JsonObject().put("templateOrganization", template).put("plugins", new JsonArray().add(plugin))
          .put("target", new JsonObject().put("name", "renames-copy-" + unique()));
      var first = provision();
      assertEquals("succeeded", first.getString("status"), first.encodePrettily());
      target = first.getString("targetOrganization");
    }

    String path(String organization) {
      return "/v1/organizations/" + organization + "/" + plugin;
    }

    JsonObject body(String name) {
      var body = new JsonObject().put("name", name);
      return switch (plugin) {
        case "roles" -> body.put("permissions", new JsonArray().add("app_organization_get"));
        case "schemas" -> body.put("content", new JsonObject());
        case "queues" -> body.mergeIn(queueNeeds);
        case "hooks" -> body.put("url", "https://hooks.example.com/renames")
            .put("events", new JsonArray().add("provisioning.job.finished"));
        default -> body;
      };
    }

    /** Renames the template's {@code which}th object (by id). */
    void rename(int which, String name) {
      var renamed = watched().engine().org.send(HttpMethod.PATCH, path(template) + "/" + ids.get(which),
          watched().token(), new JsonObject().put("name", name));
      assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    }

    /** Makes the template's {@code which}th hook run after its {@code after}th ones (nothing, if none). */
    void runAfter(int which, Integer... after) {
      var patched = watched().engine().org.send(HttpMethod.PATCH, path(template) + "/" + ids.get(which),
          watched().token(), new JsonObject().put("runAfter", new JsonArray(Stream.of(after).map(ids::get).toList())));
      assertEquals(200, patched.statusCode(), patched.bodyAsString());
    }

    /** Which of the template's objects the copy of its {@code which}th hook runs after, by their index. */
    List<Integer> copyRunsAfter(int which) {
      var copy = watched().engine().org.get(path(target) + "/" + IdFunction.nameBased(target, ids.get(which)),
          watched().token());
      assertEquals(200, copy.statusCode(), copy.bodyAsString());
      return copy.bodyAsJsonObject().getJsonArray("runAfter").stream()
          .map(id -> ids.stream().map(object -> IdFunction.nameBased(target, object)).toList().indexOf(id)).toList();
    }

    JsonObject provision() {
      return watched().engine().provision(watched().token(), request);
    }

    JsonObject plan() {
      return watched().engine().provision(watched().token(), request.copy().put("dryRun", true));
    }

    /** The name of the copy of the template's {@code which}th object. */
    String copyName(int which) {
      var copy = watched().engine().org.get(path(target) + "/" + IdFunction.nameBased(target, ids.get(which)),
          watched().token());
      assertEquals(200, copy.statusCode(), copy.bodyAsString());
      return copy.bodyAsJsonObject().getString("name");
    }

    /** Plans and runs the rollout, which must leave the copies named so; answers the plugin's step of both. */
    List<JsonObject> assertRolledOut(String lower, String higher) {
      var plan = plan();
      assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
      var job = provision();
      assertEquals("succeeded", job.getString("status"), job.encodePrettily());
      assertEquals(List.of(lower, higher), List.of(copyName(0), copyName(1)));
      return List.of(EngineHarness.step(plan, plugin), EngineHarness.step(job, plugin));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"roles", "groups", "workspaces", "schemas", "queues", "hooks"})
  void aChainWhoseTakerHasTheLowerIdReachesTheCopy(String plugin) {
    var rollout = new Rollout(plugin, "xx", "yy");
    rollout.rename(1, "zz");
    rollout.rename(0, "yy");
    rollout.assertRolledOut("yy", "zz");
  }

  @ParameterizedTest
  @ValueSource(strings = {"roles", "groups", "workspaces", "schemas", "queues", "hooks"})
  void aChainWhoseTakerHasTheHigherIdReachesTheCopy(String plugin) {
    var rollout = new Rollout(plugin, "yy", "xx");
    rollout.rename(0, "zz");
    rollout.rename(1, "yy");
    rollout.assertRolledOut("zz", "yy");
  }

  @ParameterizedTest
  @ValueSource(strings = {"roles", "groups", "workspaces", "schemas", "queues", "hooks"})
  void aSwapReachesTheCopy(String plugin) {
    var rollout = new Rollout(plugin, "xx", "yy");
    rollout.rename(0, "tmp");
    rollout.rename(1, "xx");
    rollout.rename(0, "yy");
    rollout.assertRolledOut("yy", "xx");
  }

  /**
   * The lower hook comes to run after the higher, which ran after it: across pages, its copy's reference would close a
   * cycle through the higher's copy until that page replaces it, so org-service defers it and the hooks plugin's
   * second pass sets it. The job counts both copies updated, as its dry run does (the lower's only change is the
   * reference its first pass defers). A further rollout changes nothing.
   */
  @Test
  void aReversedRunOrderOfHooksReachesTheCopy() {
    var rollout = new Rollout("hooks", "xx", "yy");
    rollout.runAfter(1, 0);
    rollout.assertRolledOut("xx", "yy");
    assertEquals(List.of(0), rollout.copyRunsAfter(1));
    rollout.runAfter(1);
    rollout.runAfter(0, 1);

    var steps = rollout.assertRolledOut("xx", "yy");
    for (var step : steps) {
      assertEquals(List.of(0L, 2L, 0L), List.of(step.getLong("created"), step.getLong("updated"),
          step.getLong("unchanged")), step.encode());
    }
    assertEquals(List.of(List.of(1), List.of()), List.of(rollout.copyRunsAfter(0), rollout.copyRunsAfter(1)));
    var again = rollout.provision();
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertEquals(0, EngineHarness.step(again, "hooks").getLong("updated"), again.encodePrettily());
  }

  @Test
  void membersOfSwappedRolesKeepTheirRoles() {
    var rollout = new Rollout("roles", "xx", "yy");
    var org = watched().engine().org;
    var lower = org.newUser("holds-lower");
    var higher = org.newUser("holds-higher");
    for (var member : List.of(lower, higher)) {
      var role = member == lower ? "xx" : "yy";
      var added = org.post("/v1/organizations/" + rollout.target + "/users", org.platformAdminToken(), new JsonObject()
          .put("userIds", new JsonArray().add(member.id())).put("roles", new JsonArray().add(role)));
      assertEquals(200, added.statusCode(), added.bodyAsString());
    }
    rollout.rename(0, "tmp");
    rollout.rename(1, "xx");
    rollout.rename(0, "yy");
    rollout.assertRolledOut("yy", "xx");
    var members = watched().engine().items("/v1/organizations/" + rollout.target + "/users", watched().token());
    for (var member : List.of(lower, higher)) {
      var held = members.stream().map(JsonObject.class::cast)
          .filter(listed -> listed.getString("userId").equals(member.id())).findFirst().orElseThrow();
      assertEquals(new JsonArray().add(member == lower ? "yy" : "xx"), held.getJsonArray("roles"), held.encode());
    }
  }

  /** Not of queues: a queue of the tenant's own would need a workspace and a schema of its own too. */
  @ParameterizedTest
  @ValueSource(strings = {"roles", "groups", "workspaces", "schemas", "hooks"})
  void aNameTheTenantGaveItsOwnObjectStopsTheRolloutNamingTheTemplateObject(String plugin) {
    var rollout = new Rollout(plugin, "xx", "yy");
    var own = watched().engine().org.post(rollout.path(rollout.target), watched().token(), rollout.body("ours"));
    assertEquals(201, own.statusCode(), own.bodyAsString());
    rollout.rename(1, "ours");

    assertPlannedAndRunFail(rollout, rollout.ids.get(1));
    assertEquals(List.of("xx", "yy"), List.of(rollout.copyName(0), rollout.copyName(1)), "nothing moved");
  }

  /** A new template object, whose copy the rollout would create, is refused the tenant's name alike. */
  @ParameterizedTest
  @ValueSource(strings = {"roles", "groups", "workspaces", "schemas", "hooks"})
  void aNewTemplateObjectNamedLikeTheTenantsOwnStopsTheRollout(String plugin) {
    var rollout = new Rollout(plugin, "xx", "yy");
    var org = watched().engine().org;
    var own = org.post(rollout.path(rollout.target), watched().token(), rollout.body("ours"));
    assertEquals(201, own.statusCode(), own.bodyAsString());
    var added = TemplateFixture.id(org.post(rollout.path(rollout.template), watched().token(), rollout.body("ours")));

    assertPlannedAndRunFail(rollout, added);
  }

  /** A dry run fails as the rollout does, with its code, naming template object {@code object}. */
  private static void assertPlannedAndRunFail(Rollout rollout, String object) {
    var code = switch (rollout.plugin) {
      case "roles" -> "role_name_taken";
      case "groups" -> "group_name_taken";
      default -> "name_taken";
    };
    for (var job : List.of(rollout.plan(), rollout.provision())) {
      assertEquals("failed", job.getString("status"), job.encodePrettily());
      var error = job.getJsonObject("error");
      assertEquals(code, error.getString("code"), error.encode());
      assertEquals(object, error.getString("object"), error.encode());
    }
  }
}
