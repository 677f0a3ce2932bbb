package dev.orgplane.engine.batch;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch's existing targets are checked with one lookup at org-service, whatever their number, as the caller
 * sees them: the engine is watched through a relay, and runs no job (none of its work is asked with the caller's
 * token anyway).
 */
class ExistingTargetsTest {

  private static final String LOOKUP = "/v1/organizations:lookup";

  private static Vertx vertx;
  private static EngineHarness engine;
  private static CountingRelay relay;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var watched = EngineHarness.watched(vertx, new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0"));
    engine = watched.engine();
    relay = watched.relay();
    template = TemplateFixture.build(engine.org, "targets-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String token() {
    return template.groupAdmin().token();
  }

  /** An organization of the template's group. */
  private static JsonObject inGroup(String label) {
    var created = engine.org.post("/v1/organizations", token(), new JsonObject()
        .put("name", label + "-" + UUID.randomUUID().toString().substring(0, 8)).put("title", label)
        .put("groupId", template.groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  private static JsonObject batch(JsonArray targets) {
    return new JsonObject().put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("targets", targets);
  }

  private static JsonObject existing(String ref) {
    return new JsonObject().put("organization", ref);
  }

  /** The requests made with the caller's token for {@code path} with {@code method}. */
  private static long asked(String method, String pathPrefix) {
    return relay.seen().stream().filter(seen -> ("Bearer " + token()).equals(seen.authorization())
        && seen.method().equals(method) && seen.path().startsWith(pathPrefix)).count();
  }

  /** An organization named twice, by id and by name, is one refusal: it would be copied into twice. */
  @Test
  void aBatchNamingOneOrganizationTwiceIsRefused() {
    var organization = inGroup("twice");
    var answer = engine.post("/v1/provisioning/batches", token(), batch(new JsonArray()
        .add(existing(organization.getString("id"))).add(existing(organization.getString("name")))));
    assertProblem(answer, 400, "validation_failed");
    assertEquals("targets[1].organization", answer.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), answer.bodyAsString());
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
    targets.add(new JsonObject().put("name", "new-" + UUID.randomUUID().toString().substring(0, 8)));
    expected.add(null);
    relay.clear();

    var queued = engine.post("/v1/provisioning/batches", token(), batch(targets));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(1, asked("POST", LOOKUP), relay.seen().toString());
    assertEquals(1, asked("GET", "/v1/organizations/"), "the template only: " + relay.seen());
    var jobs = engine.get("/v1/provisioning/batches/" + queued.bodyAsJsonObject().getString("id") + "/jobs?limit=500",
        token()).bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
    assertEquals(new HashSet<>(expected), new HashSet<>(jobs.stream().map(job -> job.getString("targetOrganization"))
        .toList()), "one job per target");
    assertEquals(expected.size(), jobs.size());

    relay.clear();
    var onlyNew = engine.post("/v1/provisioning/batches", token(), batch(new JsonArray()
        .add(new JsonObject().put("name", "new-" + UUID.randomUUID().toString().substring(0, 8)))));
    assertEquals(202, onlyNew.statusCode(), onlyNew.bodyAsString());
    assertEquals(0, asked("POST", LOOKUP), "no existing target, nothing to look up");
  }

  /** Targets, and how the batch of them is refused. */
  private record Refused(int status, String code, JsonObject... targets) {
  }

  @Test
  void aBatchIsRefusedForTheFirstTargetItCannotUse() {
    var usable = inGroup("usable").getString("id");
    var elsewhere = engine.org.createOrg(token(), "elsewhere-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var unseen = engine.org.createOrg(engine.org.newUser("stranger").token(),
        "unseen-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var cases = List.of(
        new Refused(422, "group_mismatch", existing(usable), existing(elsewhere), existing(UUID.randomUUID().toString())),
        new Refused(404, "target_not_found", existing(usable), existing(unseen), existing(elsewhere)),
        new Refused(404, "target_not_found", existing("no-such-tenant"), existing(template.templateId())),
        new Refused(422, "target_is_template", existing(template.templateId()), existing(UUID.randomUUID().toString())),
        new Refused(400, "validation_failed", new JsonObject().put("name", "NO"), existing(UUID.randomUUID().toString())),
        new Refused(404, "target_not_found", existing("")));
    for (var refused : cases) {
      assertProblem(engine.post("/v1/provisioning/batches", token(), batch(new JsonArray(List.of(refused.targets())))),
          refused.status(), refused.code());
    }
    var invalid = engine.post("/v1/provisioning/batches", token(), batch(new JsonArray()
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
      var refused = engine.post("/v1/provisioning/batches", token(), batch(new JsonArray().add(usable).add(target)));
      assertProblem(refused, 400, "validation_failed");
      assertEquals("targets[1].organization", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
          .getString("field"), refused.bodyAsString());
    }
    var besides = engine.post("/v1/provisioning/batches", token(), batch(new JsonArray()
        .add(usable.copy().put("title", "dropped"))));
    assertProblem(besides, 400, "validation_failed");
    assertEquals("targets[0].title", besides.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"), besides.bodyAsString());

    relay.clear();
    assertProblem(engine.post("/v1/provisioning/batches", token(), batch(new JsonArray().add(existing("..")))),
        404, "target_not_found");
    assertEquals(0, asked("POST", LOOKUP), "a reference that is neither an id nor a name is not sent");
  }

  @Test
  void orgServiceFailingTheLookupQueuesNothingAndIsUnavailable() {
    var target = inGroup("waiting").getString("id");
    try {
      for (var status : new int[] {500, 429}) {
        relay.refuse(LOOKUP, status);
        assertProblem(engine.post("/v1/provisioning/batches", token(), batch(new JsonArray().add(existing(target)))),
            503, "org_service_unavailable");
      }
    } finally {
      relay.passAll();
    }
    var listed = engine.get("/v1/provisioning/jobs?limit=500", token()).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(job -> target.equals(job.getString("targetOrganization")))
        .findFirst();
    assertNull(listed.orElse(null), "no job was queued for the target");
  }
}
