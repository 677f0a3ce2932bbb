package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A service starting before its database is up tries again, as often as {@code ORGPLANE_PG_CONNECT_RETRIES} says. */
class ConnectRetriesTest {

  private static final Migrations GADGETS = new Migrations("locktest", "db/locktest");

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aServiceGivesUpOnADatabaseThatDoesNotAnswerAfterTheRetriesItIsGiven() throws IOException {
    int nobody;
    try (var socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    var settings = new Settings(ConfigLoader.defaults().copy()
        .put("ORGPLANE_PG_URL", "postgresql://postgres:x@127.0.0.1:" + nobody + "/postgres")
        .put("ORGPLANE_PG_CONNECT_RETRIES", "1"));

    long started = System.nanoTime();
    assertThrows(RuntimeException.class, () -> Database.open(vertx, settings, GADGETS).await());
    long millis = (System.nanoTime() - started) / 1_000_000;

    assertTrue(millis >= 1_000, "one retry, 1 s after the first try: gave up after " + millis + " ms");
    assertTrue(millis < 3_000, "no second retry, 2 s after the first: gave up after " + millis + " ms");
  }
}
