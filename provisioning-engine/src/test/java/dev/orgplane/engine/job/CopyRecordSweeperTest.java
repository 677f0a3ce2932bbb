package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.CountingRelay;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.ServiceToken;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
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

  private static final String LOOKUP = "/v1/organizations:lookup";

  private static Vertx vertx;
  private static EngineHarness engine;
  private static Pool db;
  /** What the sweeper of {@link #sweeper} reaches org-service through. */
  private static CountingRelay relay;
  /** A sweeper the tests run themselves: the engine's own sweeps only once an hour. */
  private static CopyRecordSweeper sweeper;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx);
    db = PgBuilder.pool().connectingTo(engine.db.connectOptions()).using(vertx).build();
    relay = CountingRelay.start(vertx, engine.org.port());
    var client = WebClient.create(vertx);
    var orgService = "http://127.0.0.1:" + relay.port();
    sweeper = new CopyRecordSweeper(vertx, db, new OrgApiClient(client, orgService,
        new ServiceToken(client, orgService, OrgServiceHarness.ENGINE_CLIENT_ID, OrgServiceHarness.ENGINE_SECRET),
        null), 3_600_000);
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

  private static String organization(String label) {
    return engine.org.createOrg(engine.org.newUser(label).token(), label + "-" + UUID.randomUUID().toString()
        .substring(0, 8)).getString("id");
  }

  @Test
  void theRecordOfADeletedTargetGoesAndEveryOtherStays() throws InterruptedException {
    var sweeping = engine.alongside(vertx, new JsonObject().put("ORGPLANE_ENGINE_RECORD_SWEEP_MILLIS", "300")
        .put("ORGPLANE_ENGINE_WORKERS", "0"));
    try {
      var suffix = UUID.randomUUID().toString().substring(0, 8);
      var template = TemplateFixture.build(engine.org, "sweep-template-" + suffix);
      var deleted = provision(template, "sweep-deleted-" + suffix);
      var kept = provision(template, "sweep-kept-" + suffix);
      recordCopiesElsewhere(deleted);
      recordCopiesElsewhere(kept);

      var gone = engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + deleted, template.groupAdmin().token(),
          null);
      assertEquals(204, gone.statusCode(), gone.bodyAsString());
      for (int i = 0; i < 100 && recorded(deleted) > 0; i++) {
        Thread.sleep(100);
      }
      assertEquals(0, recorded(deleted), "the sweeper forgot the deleted organization's record");
      assertTrue(recorded(kept) > 0, "an organization that exists keeps its record");
    } finally {
      sweeping.undeploy(vertx);
    }
  }

  @Test
  void aSweepAsksAboutEveryTargetOnRecordInOneLookup() {
    var existing = organization("kept");
    var other = organization("also-kept");
    var neverMade = UUID.randomUUID().toString();
    var deleted = organization("deleted");
    for (var target : new String[] {existing, other, neverMade, deleted}) {
      recordCopiesElsewhere(target);
    }
    assertEquals(204, engine.org.send(HttpMethod.DELETE, "/v1/organizations/" + deleted,
        engine.org.platformAdminToken(), null).statusCode());
    relay.clear();

    assertTrue(sweeper.sweep().await() >= 2);
    assertEquals(0, recorded(neverMade));
    assertEquals(0, recorded(deleted));
    assertEquals(3, recorded(existing));
    assertEquals(3, recorded(other));
    assertEquals(1, relay.count("POST", LOOKUP), "one lookup for every target on record: " + relay.seen());
    assertTrue(relay.seen().stream().noneMatch(seen -> seen.method().equals("GET")),
        "no organization is read on its own: " + relay.seen());
  }

  @Test
  void aSweepWhoseLookupFailsForgetsNothing() {
    var neverMade = UUID.randomUUID().toString();
    recordCopiesElsewhere(neverMade);
    try {
      // org-service failing, and one of a version without the lookup, which answers 404 for its path
      for (var status : new int[] {500, 404}) {
        relay.refuse(LOOKUP, status);
        assertThrows(RuntimeException.class, () -> sweeper.sweep().await());
        assertEquals(3, recorded(neverMade), "a failed lookup says nothing of the targets: " + status);
      }
    } finally {
      relay.passAll();
    }
    sweeper.sweep().await();
    assertEquals(0, recorded(neverMade), "the next sweep that can ask forgets it");
  }
}
