package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pool whose PostgreSQL goes silent (the network drops every packet, no reset) frees its connections. */
class SilentServerTest {

  /**
   * A statement timeout of 3 s: a connection unanswered for 5 s, the least limit, is given up. Not 1 s: the statement
   * of 0.9 s that must be kept would be cancelled were a busy machine to run it 100 ms late.
   */
  private static final SessionTimeouts SHORT = new SessionTimeouts(3_000, 60_000);

  private final Vertx vertx = Vertx.vertx();
  private final TcpProxy network = TcpProxy.start(PgFixture.server().host(), PgFixture.server().port());

  @AfterEach
  void close() {
    network.close();
    vertx.close().await();
  }

  @Test
  void statementPostgresqlNeverAnswersFailsAndThePoolRecovers() throws InterruptedException {
    var pool = poolThroughTheNetwork();
    assertEquals(1, one(pool.query("SELECT 1").execute()));
    network.silence();
    var started = System.nanoTime();
    var unanswered = pool.query("SELECT 2").execute();
    Eventually.holds(unanswered::isComplete, "a statement sent into a silent network was still waiting after 10 s");
    var waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertInstanceOf(ClosedConnectionException.class, unanswered.cause());
    assertTrue(waited >= SHORT.silenceMillis(), "given up after " + waited + " ms, before the silence limit");
    network.speak();
    assertEquals(3, afterTheClose(pool));
  }

  /** Its startup message lost, a new connection held the pool's only slot: each waiter gave up after 30 s, for good. */
  @Test
  void connectionOpenedIntoASilentNetworkGivesUpItsSlot() throws InterruptedException {
    var pool = poolThroughTheNetwork();
    network.silence();
    var unanswered = pool.query("SELECT 2").execute();
    Eventually.holds(unanswered::isComplete, "a connection opened into a silent network was still starting after 10 s");
    assertInstanceOf(ClosedConnectionException.class, unanswered.cause());
    network.speak();
    assertEquals(3, afterTheClose(pool));
  }

  /** Only an unanswered request counts: a statement running up to its timeout, and a connection resting, are kept. */
  @Test
  void slowStatementsAndRestingConnectionsAreNotSilence() throws InterruptedException {
    var pool = poolThroughTheNetwork();
    var backend = one(pool.query("SELECT pg_backend_pid()").execute());
    assertEquals(backend, one(pool.query("SELECT pg_backend_pid() FROM pg_sleep(0.9)").execute()));
    // resting in the pool longer than the limit
    Thread.sleep(SHORT.silenceMillis() + 1_000);
    assertEquals(backend, one(pool.query("SELECT pg_backend_pid()").execute()));
  }

  private Pool poolThroughTheNetwork() {
    var server = PgFixture.server();
    var url = new PgUrl("127.0.0.1", network.port(), server.database(), server.user(), server.password(), server.tls());
    return Database.open(vertx, url, 1, SHORT, List.of()).await();
  }

  /**
   * {@code SELECT 3} on {@code pool} once the silent connection was closed. Its statements fail first, and the pool
   * hears of the close after them: a statement sent in between (seen once, in a full build beside other work) is
   * given the closed connection and refused at once ("Connection is not active now"), and the next gets a new one.
   */
  private static int afterTheClose(Pool pool) {
    return one(pool.query("SELECT 3").execute().recover(closed -> pool.query("SELECT 3").execute()));
  }

  private static int one(Future<RowSet<Row>> rows) {
    return rows.timeout(10, TimeUnit.SECONDS).await().iterator().next().getInteger(0);
  }
}
