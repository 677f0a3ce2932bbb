package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.CursorPages;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A deployment replaces org-service instances one at a time (SIGTERM, a new process on the same address) while
 * clients go on calling through the gateway: no client sees a failure, for a read, a write sent with an
 * {@code Idempotency-Key} or one sent without, and every write is done once. A stopping instance gives notice first
 * (each answer closes its connection, so none is left for the gateway to send on as it closes); the gateway leaves
 * out an instance it cannot connect to, and sends a read or a keyed write met by a broken connection once more.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedeployUnderLoadTest {

  private static final int CLIENTS = 6;

  private Platform platform;
  private Gateway gateway;
  private String token;
  private String org;

  @BeforeAll
  void startPlatform() {
    platform = Platform.withOrgServices(2);
    gateway = new Gateway(platform.baseUrl());
    token = gateway.token(platform.adminEmail(), platform.adminPassword());
    var made = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "redeployed")
        .put("title", "Redeployed"));
    assertEquals(201, made.status(), made.body());
    org = "/v1/organizations/" + made.json().getString("id");
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  void replacingEveryOrgServiceInstanceUnderLoadFailsNoRequest() {
    var reads = new AtomicLong();
    var written = new ConcurrentLinkedQueue<String>();
    var failures = new ConcurrentLinkedQueue<String>();
    // half the clients on HTTP/1.1, half on HTTP/2: the gateway forwards their requests on different paths
    var clients = LoopingClients.start(CLIENTS, i -> {
      var http = new Gateway(platform.baseUrl(), i % 2 == 0 ? Version.HTTP_1_1 : Version.HTTP_2);
      return () -> {
        var read = http.get(org, token);
        if (read.status() != 200) {
          failures.add("GET " + read.status() + " " + read.body());
        }
        reads.incrementAndGet();
        for (var keyed : List.of(true, false)) {
          var name = "w-" + UUID.randomUUID().toString().substring(0, 13);
          var write = keyed ? writeUntilAnswered(http, name) : http.postJson(org + "/workspaces", token,
              new JsonObject().put("name", name));
          if (write.status() == 201) {
            written.add(name);
          } else {
            failures.add((keyed ? "keyed " : "unkeyed ") + "POST " + write.status() + " " + write.body());
          }
        }
      };
    });
    Platform.sleep(1_000);
    for (var port : orgServicePorts()) {
      platform.redeployOrgService(port);
      Platform.sleep(1_000);
    }
    clients.stop();

    System.out.printf("redeploy under load: %d reads, %d writes, %d failed%n", reads.get(), written.size(),
        failures.size());
    // what the gateway hid from the clients: upstreams it could not reach or whose connections broke, and repeats
    gateway.get("/metrics", null).body().lines().filter(line -> line.startsWith("orgplane_gateway_upstream_failures")
        || line.startsWith("orgplane_gateway_repeated") || line.startsWith("orgplane_gateway_upstream_stop_notices"))
        .forEach(System.out::println);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    var gatewayErrors = platform.process(platform.gatewayPort).output().lines().filter(line -> line.contains(" ERROR "))
        .toList();
    assertTrue(gatewayErrors.isEmpty(), "what the gateway hid, it does not log as errors either: " + gatewayErrors);
    assertTrue(reads.get() > 50, "the load ran throughout: " + reads.get());
    var names = workspaceNames();
    for (var name : written) {
      assertEquals(1, names.stream().filter(name::equals).count(), name + " was written once");
    }
    assertEquals(written.size(), names.size(), "no write was done that its client did not see succeed");
  }

  private List<Integer> orgServicePorts() {
    var ports = new ArrayList<>(List.of(platform.orgServicePort));
    ports.addAll(platform.moreOrgServicePorts);
    return ports;
  }

  /**
   * A workspace's creation with a key, sent again while the platform answers that the first with that key is
   * still running (409 {@code idempotency_key_in_use}), as a client following the API's advice does; for at most
   * 90 s, past the minute after which a key left by a dead process is taken over anyway.
   */
  private Gateway.Reply writeUntilAnswered(Gateway http, String name) {
    var key = Map.of("Idempotency-Key", name);
    long deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      var reply = http.postJson(org + "/workspaces", token, new JsonObject().put("name", name), key);
      if (reply.status() != 409 || !reply.body().contains("idempotency_key_in_use")
          || System.currentTimeMillis() > deadline) {
        return reply;
      }
      Platform.sleep(100);
    }
  }

  private List<String> workspaceNames() {
    return CursorPages.all(after -> gateway.get(org + "/workspaces?limit=100"
        + (after == null ? "" : "&cursor=" + after), token).json()).stream().map(w -> w.getString("name")).toList();
  }
}
