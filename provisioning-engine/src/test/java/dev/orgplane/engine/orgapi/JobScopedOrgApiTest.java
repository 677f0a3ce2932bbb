package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.HookAllowance;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A plugin reads its job's template and target and writes the target; the engine sends nothing else. */
class JobScopedOrgApiTest {

  private static final String TEMPLATE = "7e3b1a52-0000-4000-8000-000000000001";
  private static final String TARGET = "7e3b1a52-0000-4000-8000-000000000002";
  private static final String OTHER = "7e3b1a52-0000-4000-8000-000000000003";

  /** An org API that answers every call, and notes which organization each was for. */
  private static final class Answering implements OrgApi {
    final List<String> called = new ArrayList<>();

    @Override
    public Future<Page> list(String organization, String path, String cursor, int limit) {
      called.add("list " + organization);
      return Future.succeededFuture(new Page(List.of(), null));
    }

    @Override
    public Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
      called.add("import " + organization);
      return Future.succeededFuture(Counts.ZERO);
    }

    @Override
    public Future<CopiedPage> copyPage(String source, String target, String path, String cursor, int limit,
        boolean copySecrets, Existing existing, Set<String> copiedElsewhere) {
      called.add("copy " + source + " " + target);
      return Future.succeededFuture(new CopiedPage(new PageResult(null, Counts.ZERO, List.of()), 0));
    }

    @Override
    public Future<Counts> put(String organization, String path, String id, JsonObject body) {
      called.add("put " + organization);
      return Future.succeededFuture(Counts.ZERO);
    }

    @Override
    public Future<JsonObject> post(String organization, String path, JsonObject body) {
      called.add("post " + organization);
      return Future.succeededFuture(new JsonObject());
    }

    @Override
    public Future<HookAllowance> hookAllowance(String organization) {
      called.add("hook limit " + organization);
      return Future.succeededFuture(new HookAllowance(2_000, 0));
    }
  }

  private static void assertRefused(Future<?> call, String organization) {
    assertTrue(call.failed(), "refused");
    var failure = assertInstanceOf(CopyFailure.class, call.cause());
    assertEquals(JobScopedOrgApi.CODE, failure.code());
    assertTrue(failure.getMessage().contains(organization), failure.getMessage());
  }

  @Test
  void aCopyReadsTheTemplateAndTheTargetAndWritesTheTargetOnly() {
    var answering = new Answering();
    var api = JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject());
    assertTrue(api.list(TEMPLATE, "roles", null, 2).succeeded());
    assertTrue(api.forEachPage(TARGET, "roles", page -> Future.succeededFuture()).succeeded());
    assertTrue(api.importBatch(TARGET, "roles", List.of()).succeeded());
    assertTrue(api.put(TARGET, "roles", "r", new JsonObject()).succeeded());
    assertTrue(api.copyPage(TEMPLATE, TARGET, "queues", null, 2).succeeded());

    assertRefused(api.put(TEMPLATE, "notes", "n", new JsonObject()), TEMPLATE);
    assertRefused(api.post(TEMPLATE, "users", new JsonObject()), TEMPLATE);
    assertRefused(api.importBatch(OTHER, "roles", List.of()), OTHER);
    assertRefused(api.list(OTHER, "roles", null, 2), OTHER);
    assertRefused(api.existing(OTHER, List.of("x")), OTHER);
    assertRefused(api.copyPage(TEMPLATE, OTHER, "queues", null, 2), OTHER);
    assertRefused(api.copyPage(OTHER, TARGET, "queues", null, 2), OTHER);
    // org-service refuses it (422 template_mismatch): refused unsent, as any copy from outside the template
    assertRefused(api.copyPage(TARGET, TARGET, "queues", null, 2), TARGET);
    assertEquals(List.of("list " + TEMPLATE, "list " + TARGET, "import " + TARGET, "put " + TARGET,
        "copy " + TEMPLATE + " " + TARGET), answering.called, "nothing refused was sent");
  }

  @Test
  void aPathOrIdThatWouldLeaveItsOrganizationIsRefused() {
    var answering = new Answering();
    var api = JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject());
    assertTrue(api.list(TEMPLATE, "groups?include=userIds&order=id", null, 2).succeeded(), "a list's query");
    assertTrue(api.post(TARGET, "teams/t1/members", new JsonObject()).succeeded());

    for (var path : List.of("../" + OTHER + "/roles", "roles/%2e%2e/%2E%2E/" + OTHER + "/roles", "/v1/organizations/"
        + OTHER + "/roles", "roles/./x", "roles//x", "roles/", "", "..\\" + OTHER + "\\roles", "roles#x",
        "roles?order=id#/../..", "roles x", "r\u00f4les", "roles?order=a b")) {
      assertRefused(api.list(TARGET, path, null, 2), TARGET);
    }
    assertRefused(api.importBatch(TARGET, "roles/..", List.of()), TARGET);
    assertRefused(api.importBatch(TARGET, "roles?x=", List.of()), TARGET);
    assertRefused(api.copyPage(TEMPLATE, TARGET, "queues/../../" + OTHER + "/queues", null, 2), TARGET);
    assertRefused(api.post(TARGET, "../" + OTHER + "/users", new JsonObject()), TARGET);
    for (var id : List.of("../../" + OTHER + "/roles/x", "..", ".", "", "a/b", "%2e%2e", "a%2Fb", "a\\b", "r?x", "r#x",
        "a b")) {
      assertRefused(api.put(TARGET, "roles", id, new JsonObject()), TARGET);
    }
    assertRefused(api.put(TARGET, "roles/../..", "r", new JsonObject()), TARGET);
    assertEquals(List.of("list " + TEMPLATE, "post " + TARGET), answering.called, "nothing refused was sent");
  }

  /**
   * The engine's identity may carry the template hooks' secrets into any organization: a plugin has them carried only
   * in a job whose requester asked for them (and was let).
   */
  @Test
  void theHooksSecretsAreCarriedOnlyForAJobWithTheOption() {
    var answering = new Answering();
    for (var options : List.of(new JsonObject(), new JsonObject().put(CopyContext.COPY_HOOK_SECRETS, false))) {
      var refused = JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, options)
          .copyPage(TEMPLATE, TARGET, "hooks", null, 2, true);
      assertTrue(refused.failed(), "refused with " + options.encode());
      assertEquals(CopyContext.HOOK_SECRETS_NOT_REQUESTED, assertInstanceOf(CopyFailure.class, refused.cause()).code());
    }
    assertTrue(JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject())
        .copyPage(TEMPLATE, TARGET, "hooks", null, 2, false).succeeded(), "new secrets of their own");
    assertTrue(JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject()
        .put(CopyContext.COPY_HOOK_SECRETS, true)).copyPage(TEMPLATE, TARGET, "hooks", null, 2, true).succeeded());
    assertEquals(List.of("copy " + TEMPLATE + " " + TARGET, "copy " + TEMPLATE + " " + TARGET), answering.called,
        "nothing refused was sent");
  }

  /**
   * A custom method of org-service names what it reads in its body, which no check of the path sees: a post of
   * {@code hooks:copy} copied any organization's hooks, with their secrets, into the target. Only {@code copyPage},
   * held to the template and to the job's option, copies.
   */
  @Test
  void aPostOrPutOfACustomMethodIsRefused() {
    var answering = new Answering();
    var api = JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject());
    assertRefused(api.post(TARGET, "hooks:copy", new JsonObject().put("from", OTHER)), TARGET);
    assertRefused(api.post(TARGET, "hooks:copy", new JsonObject().put("from", TEMPLATE).put("copySecrets", true)),
        TARGET);
    for (var path : List.of("workspaces:copy", "schemas:copy", "queues:copy", "roles:batch", "objects:lookup",
        "teams/t1:copy/members")) {
      assertRefused(api.post(TARGET, path, new JsonObject().put("from", TEMPLATE)), TARGET);
    }
    assertRefused(api.put(TARGET, "hooks:copy", "h", new JsonObject()), TARGET);
    var withSecrets = JobScopedOrgApi.copying(answering, TEMPLATE, TARGET, new JsonObject()
        .put(CopyContext.COPY_HOOK_SECRETS, true));
    assertRefused(withSecrets.post(TARGET, "hooks:copy", new JsonObject().put("from", TEMPLATE)), TARGET);
    assertEquals(List.of(), answering.called, "nothing refused was sent");
  }

  @Test
  void aDryRunOrADiffWritesNothing() {
    var answering = new Answering();
    var api = JobScopedOrgApi.reading(answering, TEMPLATE, TARGET);
    assertTrue(api.list(TARGET, "roles", null, 2).succeeded());
    assertTrue(api.hookAllowance(TARGET).succeeded());
    assertRefused(api.importBatch(TARGET, "roles", List.of()), TARGET);
    assertRefused(api.put(TARGET, "roles", "r", new JsonObject()), TARGET);
    var newTarget = JobScopedOrgApi.reading(answering, TEMPLATE, null);
    assertRefused(newTarget.list(OTHER, "roles", null, 2), OTHER);
    assertTrue(newTarget.hookAllowance(TEMPLATE).succeeded(), "the limit of a target not made yet");
    assertRefused(newTarget.hookAllowance(OTHER), OTHER);
    assertEquals(List.of("list " + TARGET, "hook limit " + TARGET, "hook limit " + TEMPLATE), answering.called);
  }
}
