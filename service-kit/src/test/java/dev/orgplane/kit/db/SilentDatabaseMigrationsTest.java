package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A service starting while the network to its PostgreSQL drops every packet. */
class SilentDatabaseMigrationsTest {

  private static final Migrations GADGETS = new Migrations("locktest", "db/locktest");
  /** Shorter than a service's: what is proven is that the login gives up at all, not after how long. */
  private static final int LOGIN_TIMEOUT_SECONDS = 2;

  private final TcpProxy network = TcpProxy.start(PgFixture.server().host(), PgFixture.server().port());

  @AfterEach
  void close() {
    network.close();
  }

  /**
   * Its migrations' connection waited for the server's first answer for good: the start hung, neither failing nor
   * trying again.
   */
  @Test
  void migratingThroughASilentNetworkFailsWithinTheLoginTimeout() {
    var server = PgFixture.freshDatabase();
    var url = new PgUrl("127.0.0.1", network.port(), server.database(), server.user(), server.password(), server.tls());
    network.silence();

    assertTimeoutPreemptively(Duration.ofSeconds(LOGIN_TIMEOUT_SECONDS + 15), () -> assertThrows(RuntimeException.class,
        () -> GADGETS.applyTo(url, MigrationLockWait.AT_START, 0, LOGIN_TIMEOUT_SECONDS)));
  }
}
