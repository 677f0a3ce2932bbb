package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL goes away for a few seconds under load: requests fail fast with 503 problem+json instead
 * of hanging, and the platform recovers by itself when the database is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageTest {

  private TcpProxy proxy;
  private Platform platform;
  private Gateway gateway;

  @BeforeAll
  void startPlatform() {
    var database = PgFixture.freshDatabase();
    proxy = TcpProxy.start(database.host(), database.port());
    platform = Platform.start(new PgUrl("127.0.0.1", proxy.port(), database.database(), database.user(),
        database.password()));
    gateway = new Gateway(platform.baseUrl());
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void requestsFailFastWith503WhileTheDatabaseIsDownAndSucceedAgainAfter() throws InterruptedException {
    var token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "outage").put("title", "O"))
        .json().getString("id");
    var statuses = new ConcurrentHashMap<Integer, Integer>();
    var unexpected = new CopyOnWriteArrayList<String>();
    var clients = LoopingClients.start(8, () -> {
      long started = System.nanoTime();
      var reply = gateway.get("/v1/organizations/" + org, token);
      long millis = (System.nanoTime() - started) / 1_000_000;
      statuses.merge(reply.status(), 1, Integer::sum);
      if (reply.status() != 200 && !(reply.status() == 503 && reply.contentType().equals("application/problem+json"))
          || millis > 10_000) {
        unexpected.add(reply.status() + " after " + millis + " ms: " + reply.body());
      }
    });
    Thread.sleep(1_000);
    proxy.cut();
    Thread.sleep(4_000);
    proxy.restore();
    var recovered = awaitRecovery(org, token);
    clients.stop();
    assertTrue(unexpected.isEmpty(), "only 200 and 503 problem+json, none slower than 10 s: " + unexpected);
    assertTrue(statuses.getOrDefault(503, 0) > 0, "the outage was seen: " + statuses);
    assertTrue(recovered < 15_000, "recovered " + recovered + " ms after the database came back");
    assertEquals(201, gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "after-outage")
        .put("title", "A")).status(), "writes work again too");
  }

  private long awaitRecovery(String org, String token) throws InterruptedException {
    long back = System.currentTimeMillis();
    while (System.currentTimeMillis() - back < 30_000) {
      if (gateway.get("/v1/organizations/" + org, token).status() == 200) {
        return System.currentTimeMillis() - back;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no recovery within 30 s of the database's return");
  }
}
