package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The "tenant ready" webhook: a hook of the template subscribed to {@code provisioning.job.finished}
 * hears, signed, that a copy is done; the copy of that hook, in the new tenant, hears it too.
 */
class TenantReadyHookTest extends TwoEnginesTest {

  private static final String SECRET = "tenant-ready-secret-0123456789";

  private record Received(Map<String, List<String>> headers, String body) {
  }

  @Test
  void aFinishedCopyIsAnnouncedToTheTemplatesAndTheNewTenantsHooks() throws Exception {
    var received = new CopyOnWriteArrayList<Received>();
    var receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/ready", exchange -> {
      received.add(new Received(exchange.getRequestHeaders(),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    receiver.start();
    var hooks = "/v1/organizations/" + template.templateId() + "/hooks";
    var hook = gateway.postJson(hooks, template.adminToken(), new JsonObject().put("name", "tenant-ready")
        .put("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/ready").put("secret", SECRET)
        .put("events", new JsonArray().add("provisioning.job.finished")));
    assertEquals(201, hook.status(), hook.body());
    try {
      var queued = gateway.postJson("/v1/provisioning/jobs", template.adminToken(), new JsonObject()
          .put("templateOrganization", template.templateId())
          .put("target", new JsonObject().put("name", "announced-tenant").put("title", "Announced")));
      assertEquals(202, queued.status(), queued.body());
      var job = template.awaitEnd(gateway, "/v1/provisioning/jobs/" + queued.json().getString("id"), 120_000);
      assertEquals("succeeded", job.getString("status"), job.encodePrettily());
      var tenant = job.getString("targetOrganization");

      var deadline = System.currentTimeMillis() + 30_000;
      while (received.size() < 2 && System.currentTimeMillis() < deadline) {
        GroupTemplate.sleep(100);
      }
      assertEquals(2, received.size(), "the template's hook and its copy in the new tenant: " + received);
      var byOrganization = new java.util.HashMap<String, Received>();
      received.forEach(r -> byOrganization.put(new JsonObject(r.body()).getString("organizationId"), r));
      assertEquals(java.util.Set.of(template.templateId(), tenant), byOrganization.keySet());
      for (var delivery : received) {
        var payload = new JsonObject(delivery.body());
        assertEquals("provisioning.job.finished", payload.getString("event"));
        assertEquals(job.getString("id"), payload.getJsonObject("details").getString("jobId"));
        assertEquals("succeeded", payload.getJsonObject("details").getString("status"));
        assertEquals(tenant, payload.getJsonObject("details").getString("targetOrganization"));
      }
      var fromTemplate = byOrganization.get(template.templateId());
      assertEquals("provisioning.job.finished", fromTemplate.headers().get("Orgplane-event").get(0));
      assertTrue(signedWith(SECRET, fromTemplate), "signed with the template hook's secret: " + fromTemplate.headers());
      // the copy's secret is write-only and made by the service: read where it is kept
      var copySecret = PgFixture.queryString(database, "SELECT secret FROM org.hooks WHERE org_id = '" + tenant
          + "' AND name = 'tenant-ready'");
      assertNotEquals(SECRET, copySecret, "the copy of the hook has a secret of its own");
      var fromCopy = byOrganization.get(tenant);
      assertTrue(signedWith(copySecret, fromCopy), "signed with the copy's secret: " + fromCopy.headers());
    } finally {
      gateway.send("DELETE", hooks + "/" + hook.json().getString("id"), template.adminToken(), null);
      receiver.stop(0);
    }
  }

  /**
   * Checks {@code Orgplane-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>,v2=<the same of
   * "t.delivery.body">}, the delivery being the id {@code Orgplane-Delivery} names.
   */
  private static boolean signedWith(String secret, Received delivery) throws Exception {
    var parts = delivery.headers().get("Orgplane-signature").get(0).split(",");
    var timestamp = parts[0].substring("t=".length());
    var id = delivery.headers().get("Orgplane-delivery").get(0);
    return parts[1].equals("v1=" + hmac(secret, timestamp + "." + delivery.body()))
        && parts[2].equals("v2=" + hmac(secret, timestamp + "." + id + "." + delivery.body()));
  }

  private static String hmac(String secret, String signed) throws Exception {
    var mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }
}
