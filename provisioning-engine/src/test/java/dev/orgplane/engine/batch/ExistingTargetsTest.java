package dev.orgplane.engine.batch;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch's existing targets are checked with one lookup at org-service, whatever their number, as the caller
 * sees them: the engine is watched through a relay, and runs no job (none of its work is asked with the caller's
 * token anyway).
 */
class ExistingTargetsTest {

  private static final String LOOKUP = "/v1/organizations:lookup";

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"),
      "targets");

  /** An organization of the template's group. */
  private static JsonObject inGroup(String label) {
    var created = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", label + "-" + unique()).put("title", label)
        .put("groupId", watched.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  private static JsonObject batch(JsonArray targets) {
    return new JsonObject().put("templateOrganization", watched.template().templateId()).put("dryRun", true)
        .put("targets", targets);
  }

  private static JsonObject existing(String ref) {
    return new JsonObject().put("organization", ref);
  }

  /** The requests made with the caller's token for {@code path} with {@code method}. */
  private static long asked(String method, String pathPrefix) {
    return watched.relay().seen().stream().filter(seen -> ("Bearer " + watched.token()).equals(seen.authorization())
        && seen.method().equals(method) && seen.path().startsWith(pathPrefix)).count();
  }

  /** An organization named twice, by id and by name, is one refusal: it would be copied into twice. */
  @Test
  void aBatchNamingOneOrganizationTwiceIsRefused() {
    var organization = inGroup("twice");
    var answer = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(new JsonArray()
        .add(existing(organization.getString("id"))).add(existing(organization.getString("name")))));
    assertProblem(answer, 400, "validation_failed");
    assertEquals("targets[1].organization", answer.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), answer.bodyAsString());
  }

  /** An organization named as an existing target and as a new one's name, whose job would adopt it, is one too. */
  @Test
  void aBatchNamingAnOrganizationAsExistingAndAsNewIsRefused() {
    var organization = inGroup("adopted");
    var asNew = new JsonObject().put("name", organization.getString("name")).put("title", "again");
    var cases = List.of(
        new JsonArray().add(existing(organization.getString("id"))).add(asNew),
        new JsonArray().add(existing(organization.getString("name"))).add(asNew),
        new JsonArray().add(asNew).add(existing(organization.getString("id"))));
    var fields = List.of("targets[1].name", "targets[1].name", "targets[1].organization");
    for (int i = 0; i < cases.size(); i++) {
      var answer = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(cases.get(i)));
      assertProblem(answer, 400, "validation_failed");
      assertEquals(fields.get(i), answer.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"),
          answer.bodyAsString());
    }
  }

  @Test
  void aBatchOfExistingTargetsAsksOrgServiceAboutThemInOneRequest() {
    var targets = new JsonArray();
    var expected = new ArrayList<String>();
    for (int i = 0; i < 12; i++) {
      var organization = inGroup("existing");
      targets.add(existing(i % 2 == 0 ? organization.getString("id") : organization.getString("name")));
      expected.add(organization.getString("id"));
    }
    targets.add(new JsonObject().put("name", "new-" + unique()));
    expected.add(null);
    watched.relay().clear();

    var queued = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(targets));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(1, asked("POST", LOOKUP), watched.relay().seen().toString());
    assertEquals(1, asked("GET", "/v1/organizations/"), "the template only: " + watched.relay().seen());
    var jobs = watched.engine().get("/v1/provisioning/batches/" + queued.bodyAsJsonObject().getString("id")
        + "/jobs?limit=500", watched.token()).bodyAsJsonObject().getJsonArray("items").stream()
        .map(JsonObject.class::cast).toList();
    assertEquals(new HashSet<>(expected), new HashSet<>(jobs.stream().map(job -> job.getString("targetOrganization"))
        .toList()), "one job per target");
    assertEquals(expected.size(), jobs.size());

    watched.relay().clear();
    var onlyNew = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(new JsonArray()
        .add(new JsonObject().put("name", "new-" + unique()))));
    assertEquals(202, onlyNew.statusCode(), onlyNew.bodyAsString());
    assertEquals(0, asked("POST", LOOKUP), "no existing target, nothing to look up");
  }

  /** Targets, and how the batch of them is refused. */
  private record Refused(int status, String code, JsonObject... targets) {
  }

  @Test
  void aBatchIsRefusedForTheFirstTargetItCannotUse() {
    var templateId = watched.template().templateId();
    var usable = inGroup("usable").getString("id");
    var elsewhere = watched.engine().org.createOrg(watched.token(), "elsewhere-" + unique()).getString("id");
    var unseen = watched.engine().org.createOrg(watched.engine().org.newUser("stranger").token(),
        "unseen-" + unique()).getString("id");
    var cases = List.of(
        new Refused(422, "group_mismatch", existing(usable), existing(elsewhere), existing(UUID.randomUUID().toString())),
        new Refused(404, "target_not_found", existing(usable), existing(unseen), existing(elsewhere)),
        new Refused(404, "target_not_found", existing("no-such-tenant"), existing(templateId)),
        new Refused(422, "target_is_template", existing(templateId), existing(UUID.randomUUID().toString())),
        new Refused(400, "validation_failed", new JsonObject().put("name", "NO"), existing(UUID.randomUUID().toString())),
        new Refused(404, "target_not_found", existing("")));
    for (var refused : cases) {
      assertProblem(watched.engine().post("/v1/provisioning/batches", watched.token(),
          batch(new JsonArray(List.of(refused.targets())))), refused.status(), refused.code());
    }
    var invalid = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(new JsonArray()
        .add(new JsonObject().put("name", "NO")).add(existing(UUID.randomUUID().toString()))));
    assertEquals("targets[0].name", invalid.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), invalid.bodyAsString());
  }

  /**
   * A target's organization is read as a job's targetOrganization is: a number named its digits, an object "{}", a NUL
   * reached org-service (its invalid_text), and fields beside it were dropped.
   */
  @Test
  void anExistingTargetIsItsOrganizationAloneAsAString() {
    var usable = existing(inGroup("alone").getString("id"));
    var cases = List.of(
        new JsonObject().put("organization", 12345),
        new JsonObject().put("organization", new JsonObject()),
        existing("ab\u0000cd"),
        existing("x".repeat(64)));
    for (var target : cases) {
      var refused = watched.engine().post("/v1/provisioning/batches", watched.token(),
          batch(new JsonArray().add(usable).add(target)));
      assertProblem(refused, 400, "validation_failed");
      assertEquals("targets[1].organization", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
          .getString("field"), refused.bodyAsString());
    }
    var besides = watched.engine().post("/v1/provisioning/batches", watched.token(), batch(new JsonArray()
        .add(usable.copy().put("title", "dropped"))));
    assertProblem(besides, 400, "validation_failed");
    assertEquals("targets[0].title", besides.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), besides.bodyAsString());

    watched.relay().clear();
    assertProblem(watched.engine().post("/v1/provisioning/batches", watched.token(),
        batch(new JsonArray().add(existing("..")))), 404, "target_not_found");
    assertEquals(0, asked("POST", LOOKUP), "a reference that is neither an id nor a name is not sent");
  }

  @Test
  void orgServiceFailingTheLookupQueuesNothingAndIsUnavailable() {
    var target = inGroup("waiting").getString("id");
    try {
      for (var status : new int[] {500, 429}) {
        watched.relay().refuse(LOOKUP, status);
        assertProblem(watched.engine().post("/v1/provisioning/batches", watched.token(),
            batch(new JsonArray().add(existing(target)))), 503, "org_service_unavailable");
      }
    } finally {
      watched.relay().passAll();
    }
    var listed = watched.engine().get("/v1/provisioning/jobs?limit=500", watched.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(job -> target.equals(job.getString("targetOrganization"))).findFirst();
    assertNull(listed.orElse(null), "no job was queued for the target");
  }
}
