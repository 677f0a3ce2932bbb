package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.kit.http.NestingDepth;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What provisioning refuses, and to whom, on an engine with no free slot (nothing it queues runs) that reaches
 * org-service through a relay a test can cut: only the admins of the template's group queue batches or compare
 * organizations, one wrong target refuses a whole batch, and what org-service cannot decide now is 503. A refused
 * request queues nothing.
 */
class ProvisioningRefusalsTest {

  private static final String QUEUED = "SELECT count(*) FROM provisioning.jobs";

  @RegisterExtension
  static final EngineWithTemplate idle = EngineWithTemplate.idle("refusing-template").relayed();

  /** A new organization in the template's group, made by its admin. */
  private static String inTheGroup(String name) {
    var created = idle.engine().org.post("/v1/organizations", idle.token(), new JsonObject().put("name", name)
        .put("title", name).put("groupId", idle.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> diff(String source, String target, String token) {
    return idle.engine().get("/v1/provisioning/diff?source=" + source + "&target=" + target, token);
  }

  private static JsonObject batchOf(JsonObject... targets) {
    return new JsonObject().put("templateOrganization", idle.template().templateId())
        .put("targets", new JsonArray(List.of((Object[]) targets)));
  }

  @Test
  void aViewerOfTheTemplateAndTheCopySeesNoDiff() {
    var copy = inTheGroup("viewed-copy");
    var viewer = idle.engine().org.newUser("viewer-of-both");
    var platformAdmin = idle.engine().org.platformAdminToken();
    for (var organization : List.of(idle.template().templateId(), copy)) {
      assertEquals(200, idle.engine().org.post("/v1/organizations/" + organization + "/users", platformAdmin,
          new JsonObject().put("userIds", new JsonArray().add(viewer.id())).put("roles", new JsonArray().add("viewer")))
          .statusCode());
      assertEquals(200, idle.engine().org.get("/v1/organizations/" + organization, viewer.token()).statusCode());
    }

    assertProblem(diff(idle.template().templateId(), copy, viewer.token()), 403, "forbidden");
    assertEquals(200, diff(idle.template().templateId(), copy, idle.token()).statusCode(),
        "the group's admin compares them");
  }

  @Test
  void aDiffNeedsATargetTheCallerSeesInTheTemplatesGroup() {
    assertProblem(diff(idle.template().templateId(), UUID.randomUUID().toString(), idle.token()), 404,
        "target_not_found");
    assertProblem(diff(idle.template().templateId(), "no-such-organization", idle.token()), 404, "target_not_found");
    var stranger = idle.engine().org.newUser("diff-stranger");
    var strangers = idle.engine().org.createOrg(stranger.token(), "strangers-own").getString("id");
    assertProblem(diff(idle.template().templateId(), strangers, idle.token()), 404, "target_not_found");

    var elsewhere = idle.engine().org.createOrg(idle.token(), "admins-elsewhere").getString("id");
    assertProblem(diff(idle.template().templateId(), elsewhere, idle.token()), 422, "group_mismatch");

    var templateName = idle.engine().org.get("/v1/organizations/" + idle.template().templateId(), idle.token())
        .bodyAsJsonObject().getString("name");
    assertProblem(diff(idle.template().templateId(), idle.template().templateId(), idle.token()), 422,
        "target_is_template");
    assertProblem(diff(templateName, idle.template().templateId(), idle.token()), 422, "target_is_template");

    var misspelt = idle.engine().get("/v1/provisioning/diff?source=" + idle.template().templateId() + "&tagret="
        + elsewhere, idle.token());
    assertProblem(misspelt, 400, "unknown_parameter");
    assertEquals("tagret", misspelt.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
  }

  /**
   * A reference that is neither an id nor a name names no organization (until the audit: 500, as {@code .} asked
   * org-service for its list of organizations, which has no id), whether it comes in a job's body or a diff's query
   * ({@code %2e} there is a dot, {@code %252e} the text "%2e").
   */
  @Test
  void aReferenceThatIsNoIdNorNameIsAnOrganizationNotFound() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var copy = inTheGroup("referenced-copy");
    for (var ref : List.of(".", "..", "%2e", "./" + copy)) {
      assertProblem(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
          .put("templateOrganization", idle.template().templateId()).put("targetOrganization", ref)), 404,
          "target_not_found");
    }
    for (var ref : List.of(".", "..", "%2e", "%2e%2e", "%252e")) {
      assertProblem(diff(ref, copy, idle.token()), 404, "source_not_found");
      assertProblem(diff(idle.template().templateId(), ref, idle.token()), 404, "target_not_found");
    }
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  @Test
  void onlyTheGroupsAdminsQueueBatches() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var request = batchOf(new JsonObject().put("name", "never-batched"));

    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.template().member().token(), request), 403,
        "forbidden");
    var stranger = idle.engine().org.newUser("batch-stranger");
    assertProblem(idle.engine().post("/v1/provisioning/batches", stranger.token(), request), 404, "template_not_found");

    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
    for (var token : List.of(idle.template().member().token(), stranger.token())) {
      assertEquals(0, idle.engine().get("/v1/provisioning/batches", token).bodyAsJsonObject().getJsonArray("items")
          .size());
    }
  }

  @Test
  void oneWrongTargetRefusesTheWholeBatch() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var fine = new JsonObject().put("name", "fine-target");

    var twice = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine,
        new JsonObject().put("name", "twice"), new JsonObject().put("name", "twice")));
    assertProblem(twice, 400, "validation_failed");
    assertEquals("targets[2].name", twice.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    var notAnObject = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine).put("targets",
        new JsonArray().add(fine).add("just-a-name")));
    assertProblem(notAnObject, 400, "validation_failed");
    assertEquals("targets[1]", notAnObject.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"));
    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine).put("plugins",
        new JsonArray().add("spaceships"))), 422, "unknown_plugin");
    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine).put("groupId",
        UUID.randomUUID().toString())), 422, "group_mismatch");
    for (var notAGroupId : List.of("not-a-uuid", "1-1-1-1-1", UUID.randomUUID() + "x")) {
      // 422 group_mismatch until session 27: the field's type is the request's to get right
      assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine)
          .put("groupId", notAGroupId)), 400, "validation_failed");
    }
    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine,
        new JsonObject().put("organization", idle.template().templateId()))), 422, "target_is_template");
    var elsewhere = idle.engine().org.createOrg(idle.token(), "batch-elsewhere").getString("id");
    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(fine,
        new JsonObject().put("organization", elsewhere))), 422, "group_mismatch");

    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
    assertProblem(idle.engine().org.get("/v1/organizations/fine-target", idle.token()), 404, "organization_not_found");
  }

  @Test
  void anOwnerIsTheEmailAddressOfANewTargetsOwner() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var job = new JsonObject().put("templateOrganization", idle.template().templateId());

    var notAnAddress = idle.engine().post("/v1/provisioning/jobs", idle.token(), job.copy().put("target",
        new JsonObject().put("name", "owned-job")
            .put("owner", new JsonObject().put("email", "ceo at customer.example"))));
    assertFieldError(notAnAddress, "target.owner.email", "must be an email address");
    var justAnAddress = idle.engine().post("/v1/provisioning/jobs", idle.token(), job.copy().put("target",
        new JsonObject().put("name", "owned-job").put("owner", "ceo@customer.example")));
    assertFieldError(justAnAddress, "target.owner", "must be an object with one field, email");
    var moreThanAnAddress = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "fine-target"), new JsonObject().put("name", "owned-batch").put("owner", new JsonObject()
        .put("email", "ceo@customer.example").put("roles", new JsonArray().add("viewer")))));
    assertFieldError(moreThanAnAddress, "targets[1].owner", "must be an object with one field, email");
    var badInABatch = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "owned-batch").put("owner", new JsonObject().put("email", "@customer.example"))));
    assertFieldError(badInABatch, "targets[0].owner.email", "must be an email address");
    var existing = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("organization", inTheGroup("owned-already")).put("owner", new JsonObject()
            .put("email", "ceo@customer.example"))));
    assertFieldError(existing, "targets[0].owner", "names the owner of a new organization only");

    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  @Test
  void aNewTargetsFieldsAreCheckedAsOrgServiceChecksThemWhenQueued() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var tooLong = "t".repeat(300);

    var job = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("target", new JsonObject()
            .put("name", "unfit-job").put("website", "not a url").put("title", tooLong)));
    assertProblem(job, 400, "validation_failed");
    assertEquals(new JsonArray()
            .add(new JsonObject().put("field", "target.title").put("message", "must be at most 256 characters"))
            .add(new JsonObject().put("field", "target.website").put("message", "must be an http(s) URL")),
        job.bodyAsJsonObject().getJsonArray("errors"), job.bodyAsString());
    var batch = idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "fit-target"), new JsonObject().put("name", "unfit-batch").put("title", tooLong)
        .put("email", "nobody")));
    assertProblem(batch, 400, "validation_failed");
    assertEquals(new JsonArray()
            .add(new JsonObject().put("field", "targets[1].title").put("message", "must be at most 256 characters"))
            .add(new JsonObject().put("field", "targets[1].email").put("message", "must be an email address")),
        batch.bodyAsJsonObject().getJsonArray("errors"), batch.bodyAsString());
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("target", new JsonObject()
            .put("name", UUID.randomUUID().toString()))), "target.name", "must not have the shape of an id");
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("target", new JsonObject()
            .put("name", "deep-job").put("metadata", nested(NestingDepth.MAX + 1)))),
        "target.metadata", NestingDepth.RULE);
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "deep-batch").put("metadata", nested(NestingDepth.MAX + 1)))),
        "targets[0].metadata", NestingDepth.RULE);

    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A plugin list naming none was read as a request naming no plugins: {@code "plugins": []} queued all of them, so a
   * script that filtered its list down to nothing copied members, teams and hooks. Absent or null, it still means all.
   */
  @Test
  void aPluginListNamingNoPluginIsRefused() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var template = idle.template().templateId();
    var none = new JsonArray();

    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("target", new JsonObject().put("name", "no-plugins-job"))
        .put("plugins", none)), "plugins", "must name at least one plugin");
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "no-plugins-batch")).put("plugins", none)), "plugins", "must name at least one plugin");
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("select", "provisionedFrom").put("plugins", none)),
        "plugins", "must name at least one plugin");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");

    var installed = idle.engine().get("/v1/provisioning/plugins", idle.token()).bodyAsJsonObject()
        .getJsonArray("items").size();
    var all = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("target", new JsonObject().put("name", "null-plugins-job"))
        .put("plugins", null).put("dryRun", true));
    assertEquals(202, all.statusCode(), all.bodyAsString());
    assertEquals(installed, all.bodyAsJsonObject().getJsonArray("plugins").size(), all.bodyAsString());
  }

  /**
   * A plugin no engine has is refused where the request names it, in a sentence naming it: {@code [""]} was answered
   * "No such copy plugin: ." with the bare id as the message of the field {@code plugins}.
   */
  @Test
  void anUnknownPluginIsNamedWhereItWasSent() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var unknown = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("target", new JsonObject().put("name", "unknown-plugin-job"))
        .put("plugins", new JsonArray().add("roles").add("roles").add("").add("spaceships")));
    assertProblem(unknown, 422, "unknown_plugin");
    assertEquals("No such copy plugin: \"\", \"spaceships\".", unknown.bodyAsJsonObject().getString("detail"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("field", "plugins[2]").put("message", "no copy plugin \"\" is installed"))
            .add(new JsonObject().put("field", "plugins[3]")
                .put("message", "no copy plugin \"spaceships\" is installed")),
        unknown.bodyAsJsonObject().getJsonArray("errors"), unknown.bodyAsString());
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A body wrong in its shape is told so (400) even when it also names a plugin no engine has: the 422
   * {@code unknown_plugin} came first, and hid what else was wrong until that was fixed.
   */
  @Test
  void aMalformedBodyIsToldSoBeforeItsUnknownPlugin() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var spaceships = new JsonArray().add("spaceships");
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId()).put("plugins", spaceships)
        .put("target", new JsonObject().put("name", "malformed-job")).put("dryRun", "yes")),
        "dryRun", "must be true or false");
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "malformed-batch")).put("plugins", spaceships).put("concurrency", 0)),
        "concurrency", "must be a whole number from 1 to 64");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A target wrong in its own fields is told so (400) even when the request also names a plugin no engine has: its
   * fields were checked after the plugins, and the 422 {@code unknown_plugin} hid what was wrong with it.
   */
  @Test
  void aMalformedTargetIsToldSoBeforeAnUnknownPlugin() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var job = new JsonObject().put("templateOrganization", idle.template().templateId())
        .put("plugins", new JsonArray().add("spaceships"));

    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), job.copy()
        .put("target", new JsonObject().put("name", "Bad Name!"))), "target.name",
        "must be 3-63 characters of a-z, 0-9, _ and -");
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), job.copy().put("target",
        new JsonObject().put("name", "badly-owned-job").put("owner", new JsonObject().put("email", "nobody")))),
        "target.owner.email", "must be an email address");
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), job.copy()
        .put("target", new JsonObject().put("name", "both-targets")).put("targetOrganization", inTheGroup("both"))),
        "target", "give exactly one of target and targetOrganization");
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "fine-target"), new JsonObject().put("name", "badly-owned-batch")
        .put("owner", new JsonObject().put("email", "nobody")))
        .put("plugins", new JsonArray().add("spaceships"))), "targets[1].owner.email", "must be an email address");
    var afterAnExisting = batchOf(new JsonObject().put("organization", inTheGroup("before-a-bad-name")),
        new JsonObject().put("name", "Bad Name!")).put("plugins", new JsonArray().add("spaceships"));
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), afterAnExisting),
        "targets[1].name", "must be 3-63 characters of a-z, 0-9, _ and -");
    // the first wrong target is named still: one the caller sees no organization for, before the malformed one
    afterAnExisting.getJsonArray("targets").getJsonObject(0).put("organization", "no-such-organization");
    assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), afterAnExisting), 404,
        "target_not_found");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A job's target sent as null is refused by name, as a batch target's {@code organization} is: a
   * {@code targetOrganization} of null beside a {@code target} was taken as absent.
   */
  @Test
  void aJobsTargetSentAsNullIsRefusedByName() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var template = idle.template().templateId();
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("target", new JsonObject().put("name", "null-reference"))
        .put("targetOrganization", null)), "targetOrganization", "must not be null");
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("targetOrganization", inTheGroup("null-target"))
        .put("target", null)), "target", "must not be null");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A new target is told what is wrong with it, and only that: without a name it was also told its title is required,
   * though the title defaults to the name; a target sending {@code "organization": null} beside a new one's fields was
   * told {@code organization} is an unknown field.
   */
  @Test
  void aTargetIsToldWhatIsWrongWithItOnly() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var template = idle.template().templateId();

    for (var unnamed : List.of(new JsonObject(), new JsonObject().put("name", null))) {
      assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
          .put("templateOrganization", template).put("target", unnamed)), "target.name", "is required");
      assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(unnamed)),
          "targets[0].name", "is required");
    }
    assertFieldError(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
        .put("name", "fine-target"), new JsonObject().put("organization", null).put("name", "null-organization"))),
        "targets[1].organization", "must not be null");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /**
   * A batch's concurrency is an integer as JSON has them: {@code 4.0} is 4 (it was refused), {@code 4.5} is none;
   * null is the default, 4.
   */
  @Test
  void aBatchsConcurrencyIsAnyIntegralNumber() {
    var template = idle.template().templateId();
    // null is no concurrency given, as with the body's other optional fields: the default
    var unset = idle.engine().postRaw("/v1/provisioning/batches", idle.token(), "{\"templateOrganization\":\""
        + template + "\",\"dryRun\":true,\"targets\":[{\"name\":\"null-concurrency\"}],\"concurrency\":null}");
    assertEquals(202, unset.statusCode(), unset.bodyAsString());
    assertEquals(4, unset.bodyAsJsonObject().getInteger("concurrency"));
    for (var integral : List.of("4.0", "1e1")) {
      var batch = idle.engine().postRaw("/v1/provisioning/batches", idle.token(), "{\"templateOrganization\":\""
          + template + "\",\"dryRun\":true,\"targets\":[{\"name\":\"integral-" + integral.replace('.', '-')
          + "\"}],\"concurrency\":" + integral + "}");
      assertEquals(202, batch.statusCode(), batch.bodyAsString());
      assertEquals(Double.valueOf(integral).intValue(), batch.bodyAsJsonObject().getInteger("concurrency"));
    }
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    for (var notOne : List.of("4.5", "0.0", "65", "1e100", "\"4\"")) {
      assertFieldError(idle.engine().postRaw("/v1/provisioning/batches", idle.token(), "{\"templateOrganization\":\""
          + template + "\",\"targets\":[{\"name\":\"not-integral\"}],\"concurrency\":" + notOne + "}"),
          "concurrency", "must be a whole number from 1 to 64");
    }
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  /** {@code levels} objects, each but the innermost holding the next. */
  private static JsonObject nested(int levels) {
    var object = new JsonObject();
    for (int level = 1; level < levels; level++) {
      object = new JsonObject().put("a", object);
    }
    return object;
  }

  /**
   * A new target's metadata is held to what org-service stores, keys and values at any depth: a lone surrogate was
   * stored in the job as {@code ?} and the organization made with that, a NUL failed the request at the engine's
   * database (400 {@code invalid_text}, naming no field).
   */
  @Test
  void aNewTargetsMetadataHoldingTextNoneCanStoreIsRefusedWhenQueued() {
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var template = idle.template().templateId();
    var surrogate = "must not contain unpaired UTF-16 surrogates";
    assertFieldError(idle.engine().postRaw("/v1/provisioning/jobs", idle.token(), "{\"templateOrganization\":\""
        + template + "\",\"target\":{\"name\":\"lone-job\",\"metadata\":{\"a\":\"\\ud800\"}}}"),
        "target.metadata", surrogate);
    assertFieldError(idle.engine().postRaw("/v1/provisioning/batches", idle.token(), "{\"templateOrganization\":\""
        + template + "\",\"targets\":[{\"name\":\"lone-batch\",\"metadata\":{\"n\":[{\"\\ud800\":1,"
        + "\"\\udbff\":2}]}}]}"), "targets[0].metadata", surrogate);
    assertFieldError(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", template).put("target", new JsonObject().put("name", "nul-job")
            .put("metadata", new JsonObject().put("a", "\u0000")))), "target.metadata", "must not contain NUL characters");
    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
  }

  private static void assertFieldError(HttpResponse<Buffer> response, String field, String message) {
    assertProblem(response, 400, "validation_failed");
    assertEquals(new JsonArray().add(new JsonObject().put("field", field).put("message", message)),
        response.bodyAsJsonObject().getJsonArray("errors"), response.bodyAsString());
  }

  /** Past the gateway, a path's dot-segments were resolved before it was routed: {@code .../jobs/%2e} read the list. */
  @Test
  void aPathWithDotSegmentsIsRefusedBeforeItIsRouted() {
    for (var path : List.of("/v1/provisioning/jobs/" + UUID.randomUUID() + "/..", "/v1/provisioning/jobs/%2e",
        "/v1/provisioning/batches/.", "/health/../v1/provisioning/batches")) {
      assertProblem(idle.engine().get(path, idle.token()), 400, "unresolved_path");
    }
  }

  @Test
  void anUnknownPathIs404AndAWrongMethodOnAKnownOne405() {
    assertProblem(idle.engine().get("/v1/provisioning/nothing", idle.token()), 404, "not_found");
    var deleted = idle.engine().send(HttpMethod.DELETE, "/v1/provisioning/batches", idle.token(), null);
    assertProblem(deleted, 405, "method_not_allowed");
    assertEquals("GET, HEAD, POST", deleted.getHeader("Allow"));
  }

  /**
   * A keyed POST to no such path gives its key back, as at org-service (the same failure handler): it was held, and
   * the retry met 409 {@code idempotency_key_in_use} for a minute.
   */
  @Test
  void aKeyedPostToNoSuchPathDoesNotHoldItsKey() {
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    for (var attempt : List.of("first", "retry")) {
      var missing = idle.engine().send(HttpMethod.POST, "/v1/provisioning/nothing", idle.token(), new JsonObject(), key);
      assertEquals(404, missing.statusCode(), attempt + ": " + missing.bodyAsString());
    }
  }

  /** Health and metrics come before routes of every method, which made vertx-web forget the method it refused (404). */
  @ParameterizedTest
  @CsvSource({"PUT, /health/ready", "POST, /health/live", "DELETE, /metrics"})
  void aWrongMethodOnHealthOrMetricsIs405NamingItsMethods(String method, String path) {
    var refused = idle.engine().send(HttpMethod.valueOf(method), path, null, null);
    assertProblem(refused, 405, "method_not_allowed");
    assertEquals("GET, HEAD", refused.getHeader("Allow"));
  }

  @Test
  void whatOrgServiceCannotDecideNowIs503() {
    var cancelled = idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
        .put("templateOrganization", idle.template().templateId())
        .put("target", new JsonObject().put("name", "cancelled-first").put("title", "C"))).bodyAsJsonObject();
    var path = "/v1/provisioning/jobs/" + cancelled.getString("id");
    assertEquals(200, idle.engine().post(path + "/cancel", idle.token(), null).statusCode());
    var before = PgFixture.queryLong(idle.engine().db, QUEUED);
    var copy = inTheGroup("unreachable-copy");
    var stranger = idle.engine().org.newUser("outage-stranger").token();
    var unknownJob = "/v1/provisioning/jobs/" + UUID.randomUUID();
    var unknownBatch = "/v1/provisioning/batches/" + UUID.randomUUID();
    for (var unseen : List.of(path, unknownJob)) {
      assertProblem(idle.engine().get(unseen, stranger), 404, "job_not_found");
    }

    idle.engine().relay.cut();
    try {
      for (var undecided : List.of(path, unknownJob, unknownBatch)) {
        assertProblem(idle.engine().get(undecided, stranger), 503, "org_service_unavailable");
      }
      assertProblem(idle.engine().post("/v1/provisioning/jobs", idle.token(), new JsonObject()
          .put("templateOrganization", idle.template().templateId()).put("targetOrganization", copy)), 503,
          "org_service_unavailable");
      assertProblem(idle.engine().post("/v1/provisioning/batches", idle.token(), batchOf(new JsonObject()
          .put("name", "unheard"))), 503, "org_service_unavailable");
      assertProblem(idle.engine().post(path + "/retry", idle.token(), null), 503, "org_service_unavailable");
      assertProblem(diff(idle.template().templateId(), copy, idle.token()), 503, "org_service_unavailable");
    } finally {
      idle.engine().relay.restore();
    }

    assertEquals(before, PgFixture.queryLong(idle.engine().db, QUEUED), "nothing was queued");
    assertEquals("cancelled", idle.engine().get(path, idle.token()).bodyAsJsonObject().getString("status"),
        "nor retried");
  }
}
