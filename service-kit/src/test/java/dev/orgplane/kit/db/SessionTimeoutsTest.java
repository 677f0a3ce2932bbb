package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionTimeoutsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void servicesSessionsCarryBothTimeouts() {
    var pool = Database.open(vertx, PgFixture.server(), 1, new SessionTimeouts(1_234, 5_678), List.of()).await();
    var row = pool.query("SELECT current_setting('statement_timeout'), "
        + "current_setting('idle_in_transaction_session_timeout')").execute().await().iterator().next();
    assertEquals("1234ms", row.getString(0));
    assertEquals("5678ms", row.getString(1));
  }

  @Test
  void silenceLimitIsHalfAgainTheStatementTimeoutAtLeast5sAndOffWithIt() {
    assertEquals(45_000, SessionTimeouts.DEFAULT.silenceMillis());
    assertEquals(5_000, new SessionTimeouts(1_000, 60_000).silenceMillis());
    assertEquals(0, new SessionTimeouts(0, 60_000).silenceMillis());
    assertEquals(3_221_225_470L, new SessionTimeouts(Integer.MAX_VALUE, 0).silenceMillis());
  }

  @Test
  void transactionLeftIdleIsEndedAndThePoolRecovers() throws InterruptedException {
    var pool = Database.open(vertx, PgFixture.server(), 1, new SessionTimeouts(30_000, 300), List.of()).await();
    var connection = pool.getConnection().await();
    // a query would restart the idle clock: watch for the server's close instead of sleeping a guess at its timer
    var closed = new AtomicBoolean();
    connection.closeHandler(ignored -> closed.set(true));
    var abandoned = connection.begin().await();
    connection.query("SELECT 1").execute().await();
    Eventually.holds(closed::get, "the transaction left idle was never ended");
    assertThrows(Exception.class, () -> connection.query("SELECT 1").execute().await());
    abandoned.rollback().otherwiseEmpty().await();
    connection.close().otherwiseEmpty().await();
    assertEquals(1, pool.query("SELECT 1").execute().await().iterator().next().getInteger(0));
  }

  @Test
  void statementOverTheLimitIsCancelledWithItsSqlState() {
    var pool = Database.open(vertx, PgFixture.server(), 1, new SessionTimeouts(200, 60_000), List.of()).await();
    var failure = assertThrows(PgException.class, () -> pool.query("SELECT pg_sleep(3)").execute().await());
    assertEquals("57014", failure.getSqlState());
  }
}
