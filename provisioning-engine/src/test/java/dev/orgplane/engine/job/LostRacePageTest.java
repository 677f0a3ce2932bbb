package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page whose write lost a race at org-service (409 {@code concurrent_update}: a deadlock or a serialization failure
 * rolled its transaction back) is tried again as a passing failure is: it failed its job {@code concurrent_update},
 * though org-service's answer says to retry, and the same write a moment later succeeds.
 */
class LostRacePageTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aPageThatLostARaceOnceIsTriedAgainAndItsJobSucceeds() throws Exception {
    var engine = EngineHarness.start(vertx);
    var template = TemplateFixture.build(engine.org, "lost-race-template");
    var db = engine.db;
    // the first write into the workspaces after this fails as a lost race does; the sequence, unlike a row, counts
    // the try its failure rolls back
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var statement = connection.createStatement()) {
      statement.execute("CREATE SEQUENCE public.lost_race_tries");
      statement.execute("CREATE FUNCTION public.lose_first_race() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " IF nextval('public.lost_race_tries') = 1 THEN"
          + " RAISE EXCEPTION 'lost a race' USING ERRCODE = 'serialization_failure'; END IF; RETURN NULL; END $$");
      statement.execute("CREATE TRIGGER lose_first_race BEFORE INSERT ON org.workspaces"
          + " FOR EACH STATEMENT EXECUTE FUNCTION public.lose_first_race()");
    }

    var batch = engine.provisionBatch(template.groupAdmin().token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "lost-race-" + unique()))));

    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    var job = engine.get("/v1/provisioning/batches/" + batch.getString("id") + "/jobs", template.groupAdmin().token())
        .bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
    assertEquals(5, EngineHarness.step(job, "workspaces").getLong("created"), job.encodePrettily());
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var tries = connection.createStatement().executeQuery("SELECT last_value FROM public.lost_race_tries")) {
      tries.next();
      assertTrue(tries.getLong(1) >= 2, "the page's write lost its race once, and was written when tried again");
    }
  }
}
