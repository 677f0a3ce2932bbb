package dev.orgplane.engine.job;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.orgapi.Caller;
import dev.orgplane.engine.orgapi.CallerAccess;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.org.event.HookDispatcher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Option {@code copyHookSecrets}: a tenant's copy of the template's "tenant ready" hook signs its deliveries with the
 * template hook's secret, so the receiver verifies them with the one secret it holds; without the option the copy's
 * secret is one nobody knows. Only a requester who may edit the template's hooks may ask for it, asked of org-service.
 */
class HookSecretsTest {

  private static final String SECRET = "tenant-ready-receiver-secret-0123456789";
  /** The engine's answer to a request carrying secrets, by org-service's to what its requester may do there. */
  private static final Map<Integer, String> DENIALS = Map.of(403, "copy_hook_secrets_forbidden",
      503, "org_service_unavailable");

  private static Vertx vertx;
  private static EngineHarness engine;
  private static TemplateFixture template;
  /** The receiver's deliveries, by the organization they came from: whether each was signed with {@link #SECRET}. */
  private static final Map<String, List<Boolean>> signedWithTheSecret = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      var signature = request.getHeader("Orgplane-Signature").split(",");
      var valid = signature[1].equals("v1=" + HookDispatcher.sign(SECRET, Long.parseLong(signature[0].substring(2)),
          body));
      signedWithTheSecret.merge(body.toJsonObject().getString("organizationId"), List.of(valid),
          (before, added) -> java.util.stream.Stream.concat(before.stream(), added.stream()).toList());
      request.response().end();
    })).listen(0, "127.0.0.1").await();
    engine = EngineHarness.withOrgService(vertx, new JsonObject().put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true")
        .put("ORGPLANE_HOOK_POLL_MILLIS", "50"));
    template = TemplateFixture.build(engine.org, "ready-template");
    TemplateFixture.id(engine.org.post("/v1/organizations/" + template.templateId() + "/hooks", token(),
        new JsonObject().put("name", "tenant-ready").put("url", "http://127.0.0.1:" + receiver.actualPort() + "/ready")
            .put("secret", SECRET).put("events", new JsonArray().add("provisioning.job.finished"))));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static String token() {
    return template.groupAdmin().token();
  }

  private static JsonObject tenant(String name, JsonObject options) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", name)).put("options", options);
  }

  private static JsonObject carryingSecrets() {
    return new JsonObject().put("copyHookSecrets", true);
  }

  /** Whether the tenant's first delivery was signed with the template's secret, once it has arrived (or after 10 s). */
  private static boolean firstDeliverySignedWithTheTemplatesSecret(String organization) throws InterruptedException {
    var deadline = System.nanoTime() + 10_000_000_000L;
    while (!signedWithTheSecret.containsKey(organization) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(signedWithTheSecret.containsKey(organization), "the tenant's ready hook delivered");
    return signedWithTheSecret.get(organization).get(0);
  }

  @Test
  void aCopiedHookSignsWithTheTemplatesSecretOnlyWhenTheJobAsks() throws InterruptedException {
    var carried = engine.provision(token(), tenant("ready-carried", carryingSecrets()));
    var fresh = engine.provision(token(), tenant("ready-fresh", new JsonObject()));
    assertEquals("succeeded", carried.getString("status"), carried.encodePrettily());
    assertEquals("succeeded", fresh.getString("status"), fresh.encodePrettily());

    assertTrue(firstDeliverySignedWithTheTemplatesSecret(carried.getString("targetOrganization")),
        "the receiver verifies the tenant's first delivery with the template's secret");
    assertEquals(false, firstDeliverySignedWithTheTemplatesSecret(fresh.getString("targetOrganization")),
        "without the option the copy's secret is one nobody knows");
    assertTrue(firstDeliverySignedWithTheTemplatesSecret(template.templateId()), "the template's own hook, as ever");

    var target = carried.getString("targetOrganization");
    var diff = engine.get("/v1/provisioning/diff?source=" + template.templateId() + "&target=" + target, token());
    assertTrue(diff.bodyAsJsonObject().getBoolean("inSync"), "a secret is write-only: no drift " + diff.bodyAsString());
    var again = engine.provision(token(), tenant("ready-carried", carryingSecrets()));
    var hooks = EngineHarness.step(again, "hooks");
    assertEquals(0, hooks.getLong("created") + hooks.getLong("updated"), "a re-run changes no hook: " + hooks);
  }

  @Test
  void onlyARequesterWhoMayEditTheTemplatesHooksMayAskForTheirSecrets() {
    var member = template.member();
    // refused by the group's check, before the hooks' is asked: no one but the group's admins queues a job
    assertProblem(engine.post("/v1/provisioning/jobs", member.token(), tenant("ready-refused", carryingSecrets())),
        403, "forbidden");
    for (var denial : DENIALS.entrySet()) {
      withTheTemplatesPermissionsAnswered(denial.getKey(), relayed -> {
        assertProblem(relayed.post("/v1/provisioning/jobs", token(), tenant("ready-denied", carryingSecrets())),
            denial.getKey(), denial.getValue());
        assertProblem(relayed.post("/v1/provisioning/batches", token(), new JsonObject()
            .put("templateOrganization", template.templateId()).put("options", carryingSecrets())
            .put("targets", new JsonArray().add(new JsonObject().put("name", "ready-denied")))),
            denial.getKey(), denial.getValue());
      });
    }
    withTheTemplatesPermissionsAnswered(403, relayed -> {
      var plain = relayed.post("/v1/provisioning/jobs", token(), tenant("ready-plain", new JsonObject())
          .put("dryRun", true));
      assertEquals(202, plain.statusCode(), "a job without the option needs no right to the hooks: "
          + plain.bodyAsString());
    });
    var invalid = engine.post("/v1/provisioning/jobs", token(), tenant("ready-invalid",
        new JsonObject().put("copyHookSecrets", "yes")));
    assertProblem(invalid, 400, "validation_failed");
    assertEquals("options.copyHookSecrets", invalid.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0)
        .getString("field"));

    // the engine asks org-service, with the requester's token, what they may do in the template
    var access = new CallerAccess(WebClient.create(vertx), "http://127.0.0.1:" + engine.org.port());
    var templateId = template.templateId();
    access.requireHookEditor(new Caller("Bearer " + token(), null), templateId).await();
    var platformAdmin = engine.org.platformAdminToken();
    access.requireHookEditor(new Caller("Bearer " + platformAdmin, null), templateId).await();
    var editor = engine.org.newUser("hook-editor");
    var roles = "/v1/organizations/" + templateId + "/roles";
    TemplateFixture.id(engine.org.post(roles, token(), new JsonObject().put("name", "hook-editor")
        .put("permissions", new JsonArray().add("app_hook_get").add("app_hook_update"))));
    assertEquals(200, engine.org.post("/v1/organizations/" + templateId + "/users", platformAdmin, new JsonObject()
        .put("userIds", new JsonArray().add(editor.id())).put("roles", new JsonArray().add("hook-editor")))
        .statusCode());
    access.requireHookEditor(new Caller("Bearer " + editor.token(), null), templateId).await();
    for (var refused : List.of(member.token(), engine.org.newUser("stranger").token(), engine.org.engineToken())) {
      var refusal = assertThrows(ApiException.class,
          () -> access.requireHookEditor(new Caller("Bearer " + refused, null), templateId).await());
      assertEquals(403, refusal.status());
      assertEquals("copy_hook_secrets_forbidden", refusal.code());
    }
  }

  /** A retry runs with the engine's identity as the job did, so it asks for the right again, as queueing did. */
  @Test
  void aRetryOfAJobOrBatchCarryingSecretsAsksForTheRightAgain() {
    var batch = engine.provisionBatch(token(), new JsonObject().put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "ready-planned")))
        .put("options", carryingSecrets()).put("dryRun", true));
    var batchPath = "/v1/provisioning/batches/" + batch.getString("id");
    // the group's admin holds the right: past its check, the batch has nothing to retry
    assertProblem(engine.post(batchPath + "/retry", token(), null), 409, "batch_not_retryable");
    var job = engine.get(batchPath + "/jobs", token()).bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertProblem(engine.post("/v1/provisioning/jobs/" + job.getString("id") + "/retry", token(), null), 409,
        "job_not_retryable");
    assertProblem(engine.post(batchPath + "/retry", template.member().token(), null), 404, "batch_not_found");
    for (var denial : DENIALS.entrySet()) {
      withTheTemplatesPermissionsAnswered(denial.getKey(), relayed -> {
        assertProblem(relayed.post(batchPath + "/retry", token(), null), denial.getKey(), denial.getValue());
        assertProblem(relayed.post("/v1/provisioning/jobs/" + job.getString("id") + "/retry", token(), null),
            denial.getKey(), denial.getValue());
      });
    }
  }

  /**
   * Runs {@code requests} against an engine that reaches org-service through a relay answering what the requester may
   * do in the template with {@code status}. Today the group's admins hold every right in its organizations, so
   * org-service never denies them the template's hooks: its refusal (403) stands for one whose rules narrowed, which
   * the engine follows rather than its own idea of them; 503, for one that cannot say.
   */
  private static void withTheTemplatesPermissionsAnswered(int status, Consumer<EngineHarness> requests) {
    var permissions = "/v1/organizations/" + template.templateId() + "/permissions/me";
    var relay = CountingRelay.start(vertx, engine.org.port());
    relay.refuse(permissions, status);
    var relayed = engine.through(vertx, relay.port(), new JsonObject());
    try {
      requests.accept(relayed);
    } finally {
      relayed.undeploy(vertx);
    }
  }
}
