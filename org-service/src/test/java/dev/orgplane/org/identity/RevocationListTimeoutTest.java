package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The revoked tokens' list is read within half of what its readers wait for it (half of half the staleness bound,
 * here 1 s): a read stuck behind a lock held its pooled connection for the pool's statement timeout (30 s), long
 * after the reader had given up, and every period asked again.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationListTimeoutTest {

  private OrgServiceHarness org;

  @BeforeAll
  void start(Vertx vertx) {
    org = OrgServiceHarness.start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject()
        .put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "1000")
        .put("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS", "4"));
  }

  @Test
  void aReadStuckBehindALockFailsWithinItsTimeoutAndTheNextReadWorks() throws Exception {
    var engine = org.engineToken();
    var db = org.db();
    long took;
    try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var lock = conn.createStatement()) {
      conn.setAutoCommit(false);
      lock.execute("LOCK TABLE org.deleted_accounts IN ACCESS EXCLUSIVE MODE");
      var began = System.nanoTime();
      var stuck = org.get("/v1/token-revocations", engine);
      took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      conn.rollback();
      assertProblem(stuck, 503, "database_timeout");
    }
    assertTrue(took < 3_000, "answered after " + took + " ms");
    assertEquals(200, org.get("/v1/token-revocations", engine).statusCode());
  }
}
