package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.TestJarPlugin;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A template queue's settings name an object a plugin earlier in the run order copies into another system: the
 * engine tells org-service, which copies the queues, of the copies on its record, so the copy names the object's
 * copy, as a plan expects: a plan after the copy finds nothing to change. Only the template's own copies count toward
 * the most org-service is told of at once, not those of other templates' jobs into the same target.
 */
class CopiesElsewhereTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static TemplateFixture template;
  private static Pool db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx,
        new JsonObject().put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(Channels.class)));
    db = PgBuilder.pool().connectingTo(engine.db.connectOptions()).using(vertx).build();
    template = TemplateFixture.build(engine.org, "elsewhere-template");
    var patched = engine.org.send(HttpMethod.PATCH, "/v1/organizations/" + template.templateId() + "/queues/"
            + template.queueIds().get(1), template.groupAdmin().token(),
        new JsonObject().put("settings", new JsonObject().put("notifyChannel", Channels.CHANNEL)));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void queuesNameTheCopiesOfObjectsCopiedElsewhereAndAPlanAfterChangesNothing() {
    var token = template.groupAdmin().token();
    var job = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "elsewhere-target")));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = job.getString("targetOrganization");
    assertNamesTheChannelsCopy(target);

    var plan = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", target).put("dryRun", true));
    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    var queues = EngineHarness.step(plan, "queues");
    assertEquals(List.of(0L, 0L), List.of(queues.getLong("created"), queues.getLong("updated")), plan.encode());
  }

  /**
   * Jobs of another template recorded more copies elsewhere in the target than org-service may be told of at once:
   * they name nothing of this template, so this template's next job into the target is told its own alone, and
   * succeeds (until session 41 every later job into the target failed {@code too_many_copied_elsewhere}). Its copy
   * recorded before the engine kept templates is told too, and given its template as the job copies it again.
   */
  @Test
  void copiesElsewhereOfAnotherTemplateCountNotTowardThisTemplatesBound() {
    var token = template.groupAdmin().token();
    var first = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "crowded-target")));
    assertEquals("succeeded", first.getString("status"), first.encodePrettily());
    var target = first.getString("targetOrganization");
    PgFixture.execute(engine.db,
        "UPDATE provisioning.copied_objects SET template_org = NULL WHERE target_org = '" + target + "'",
        "INSERT INTO provisioning.copied_objects (target_org, copy_id, source_id, template_org) "
            + "SELECT '" + target + "', gen_random_uuid(), gen_random_uuid(), '" + UUID.randomUUID() + "' "
            + "FROM generate_series(1, " + (IdFunction.MAX_COPIED_ELSEWHERE + 1) + ")");

    var again = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", target));
    assertEquals("succeeded", again.getString("status"), again.encodePrettily());
    assertNamesTheChannelsCopy(target);
    assertEquals(template.templateId(), PgFixture.queryString(engine.db, "SELECT template_org::text "
        + "FROM provisioning.copied_objects WHERE target_org = '" + target + "' AND source_id = '" + Channels.CHANNEL
        + "'"), "the copy the job made again is given its template");
  }

  /** Copies recorded before the engine kept templates (V18) are told while all fit within the bound, else none. */
  @Test
  void copiesOfATemplateUnknownAreToldWhileTheyFitBesideTheTemplatesOwn() {
    var target = UUID.randomUUID();
    var ids = new CopiedObjects(db, null, UUID.fromString(template.templateId()), target, null);
    record(target, template.templateId(), 10);
    record(target, null, 3);
    assertEquals(13, ids.copiedElsewhere().await().size());

    record(target, null, IdFunction.MAX_COPIED_ELSEWHERE - 13);
    assertEquals(IdFunction.MAX_COPIED_ELSEWHERE, ids.copiedElsewhere().await().size(), "as many as the bound fit");
    record(target, null, 1);
    assertEquals(10, ids.copiedElsewhere().await().size(), "past it, the template's own alone");
  }

  @Test
  void moreCopiesOfTheTemplateThanTheBoundFailTheJob() {
    var target = UUID.randomUUID();
    var ids = new CopiedObjects(db, null, UUID.fromString(template.templateId()), target, null);
    record(target, template.templateId(), IdFunction.MAX_COPIED_ELSEWHERE);
    assertEquals(IdFunction.MAX_COPIED_ELSEWHERE, ids.copiedElsewhere().await().size());

    record(target, template.templateId(), 1);
    var failure = assertThrows(CopyFailure.class, () -> ids.copiedElsewhere().await());
    assertEquals(IdFunction.TOO_MANY_COPIED_ELSEWHERE, failure.code());
  }

  private static void assertNamesTheChannelsCopy(String target) {
    var queue = engine.org.get("/v1/organizations/" + target + "/queues/"
        + IdFunction.nameBased(target, template.queueIds().get(1)), template.groupAdmin().token());
    assertEquals(IdFunction.nameBased(target, Channels.CHANNEL),
        queue.bodyAsJsonObject().getJsonObject("settings").getString("notifyChannel"), queue.bodyAsString());
  }

  /** {@code count} copies elsewhere of the template {@code templateOrg} (null: unknown) on record in {@code target}. */
  private static void record(UUID target, String templateOrg, int count) {
    db.preparedQuery("INSERT INTO provisioning.copied_objects (target_org, copy_id, source_id, template_org) "
            + "SELECT $1, gen_random_uuid(), gen_random_uuid(), $2::uuid FROM generate_series(1, $3)")
        .execute(Tuple.of(target, templateOrg, count)).await();
  }

  /** Copies one object, {@link #CHANNEL}, into another system, ahead of every built-in plugin. */
  public static final class Channels extends TestJarPlugin {

    static final String CHANNEL = "5a5a5a5a-0000-4000-8000-00000000000a";

    public Channels() {
      super("channels");
    }

    @Override
    public int order() {
      return -1;
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return Future.succeededFuture(new PageResult(null, new Counts(1, 0, 0), List.of(CHANNEL)));
    }
  }
}
