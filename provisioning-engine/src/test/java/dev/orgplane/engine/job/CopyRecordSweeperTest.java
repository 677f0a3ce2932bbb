package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The record of copies into an organization is forgotten once org-service says it was deleted. Only
 * copies a plugin makes outside org-service are recorded, so the test writes such records itself.
 */
class CopyRecordSweeperTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static Pool db;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, new JsonObject().put("ORGPLANE_ENGINE_RECORD_SWEEP_MILLIS", "300"));
    db = PgBuilder.pool().connectingTo(engine.db.connectOptions()).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static long recorded(String target) {
    return db.preparedQuery("SELECT count(*) FROM provisioning.copied_objects WHERE target_org = $1")
        .execute(Tuple.of(UUID.fromString(target))).await().iterator().next().getLong(0);
  }

  /** What the engine records for a plugin's page of copies in another system. */
  private static void recordCopiesElsewhere(String target) {
    db.preparedQuery("INSERT INTO provisioning.copied_objects (target_org, copy_id, source_id) "
        + "SELECT $1, gen_random_uuid(), gen_random_uuid() FROM generate_series(1, 3)")
        .execute(Tuple.of(UUID.fromString(target))).await();
    assertEquals(3, recorded(target));
  }

  private static String provision(TemplateFixture template, String name) {
    var token = template.groupAdmin().token();
    var queued = engine.post("/v1/provisioning/jobs", token, new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", name).put("title", name)));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var job = engine.awaitEnd("/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id"), token);
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    return job.getString("targetOrganization");
  }

  @Test
  void theRecordOfADeletedTargetGoesAndEveryOtherStays() throws InterruptedException {
    var suffix = UUID.randomUUID().toString().substring(0, 8);
    var template = TemplateFixture.build(engine.org, "sweep-template-" + suffix);
    var deleted = provision(template, "sweep-deleted-" + suffix);
    var kept = provision(template, "sweep-kept-" + suffix);
    recordCopiesElsewhere(deleted);
    recordCopiesElsewhere(kept);

    var gone = engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + deleted, template.groupAdmin().token(), null);
    assertEquals(204, gone.statusCode(), gone.bodyAsString());
    for (int i = 0; i < 100 && recorded(deleted) > 0; i++) {
      Thread.sleep(100);
    }
    assertEquals(0, recorded(deleted), "the sweeper forgot the deleted organization's record");
    assertTrue(recorded(kept) > 0, "an organization that exists keeps its record");
  }
}
