package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A template organization built through the gateway, and its hooks firing at a real receiver. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
class TemplateSetupTest {

  private Platform platform;
  private Gateway gateway;
  private String token;

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platforms.defaults();
    gateway = new Gateway(platform.baseUrl());
    token = gateway.token(platform.adminEmail(), platform.adminPassword());
  }

  @Test
  void templateWithEveryKindOfSetupObjectAndAHookThatFires() throws IOException, InterruptedException {
    var events = new CopyOnWriteArrayList<String>();
    var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/events", exchange -> {
      events.add(exchange.getRequestHeaders().getFirst("Orgplane-Event"));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    try {
      var org = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "template-e2e")
          .put("title", "Template")).json().getString("id");
      var base = "/v1/organizations/" + org;
      var ws = gateway.postJson(base + "/workspaces", token, new JsonObject().put("name", "Main")).json().getString("id");
      var schemas = new JsonArray();
      for (int i = 0; i < 3; i++) {
        schemas.add(new JsonObject().put("id", UUID.randomUUID().toString()).put("name", "Schema " + i)
            .put("content", new JsonObject().put("type", "object")));
      }
      var imported = gateway.postJson(base + "/schemas:batch", token, new JsonObject().put("items", schemas));
      assertEquals(200, imported.status(), imported.body());
      var hook = gateway.postJson(base + "/hooks", token, new JsonObject().put("name", "notify")
          .put("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/events")
          .put("events", new JsonArray().add("queue.created")));
      assertEquals(201, hook.status(), hook.body());
      var queue = gateway.postJson(base + "/queues", token, new JsonObject().put("name", "Inbox").put("workspaceId", ws)
          .put("schemaId", schemas.getJsonObject(0).getString("id")));
      assertEquals(201, queue.status(), queue.body());

      long deadline = System.currentTimeMillis() + 15_000;
      while (events.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(java.util.List.of("queue.created"), events);
      // the receiver answers before the dispatcher records the attempt: wait for the record too
      var state = "";
      while (!state.equals("delivered") && System.currentTimeMillis() < deadline) {
        state = gateway.get(base + "/hooks/" + hook.json().getString("id") + "/deliveries", token).json()
            .getJsonArray("items").getJsonObject(0).getString("state");
        Thread.sleep(50);
      }
      assertEquals("delivered", state);
      assertTrue(gateway.get(base + "/queues", token).json().getJsonArray("items").size() == 1);
      var inUse = gateway.send("DELETE", base + "/workspaces/" + ws, token, null);
      assertEquals(409, inUse.status());
      assertEquals("in_use", inUse.json().getString("code"));
    } finally {
      receiver.stop(0);
    }
  }
}
