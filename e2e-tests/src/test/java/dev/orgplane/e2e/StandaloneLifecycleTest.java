package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orgplane standalone} as an operator runs it: embedded PostgreSQL, restarts, crashes. */
class StandaloneLifecycleTest {

  @TempDir
  Path dataDir;

  private ServiceProcess startStandalone(int port) {
    return startStandalone(port, Map.of());
  }

  private ServiceProcess startStandalone(int port, Map<String, String> environment) {
    var process = ServiceProcess.start("standalone", "standalone", standaloneConfig(port), environment);
    Platform.awaitReady(process, port);
    return process;
  }

  private Map<String, String> standaloneConfig(int port) {
    return Map.of(
        "ORGPLANE_DATA_DIR", dataDir.toString(),
        "ORGPLANE_HTTP_HOST", "127.0.0.1",
        "ORGPLANE_HTTP_PORT", String.valueOf(port),
        "ORGPLANE_ORG_SERVICE_PORT", String.valueOf(Platform.freePort()),
        "ORGPLANE_ENGINE_PORT", String.valueOf(Platform.freePort()),
        "ORGPLANE_PUBLIC_URL", "http://127.0.0.1:" + port);
  }

  /**
   * Given a certificate, standalone serves HTTPS at its door (HTTP/2 by ALPN), and its first words say so; with no
   * public URL configured, its tokens and discovery name that door, at the port it serves.
   */
  @Test
  void withACertificateThePlatformIsServedOverHttps() throws Exception {
    int port = Platform.freePort();
    var tls = Path.of("../api-gateway/src/test/resources/tls").toAbsolutePath();
    var config = new HashMap<>(standaloneConfig(port));
    config.remove("ORGPLANE_PUBLIC_URL");
    var process = ServiceProcess.start("standalone", "standalone", config, Map.of(
        "ORGPLANE_TLS_CERT_FILE", tls.resolve("cert.pem").toString(),
        "ORGPLANE_TLS_KEY_FILE", tls.resolve("key.pem").toString()));
    var client = HttpClient.newBuilder().sslContext(trusting(tls.resolve("cert.pem"))).build();
    var ready = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health/ready")).build();
    HttpResponse<Void> answer = null;
    for (long deadline = System.currentTimeMillis() + 60_000; answer == null && System.currentTimeMillis() < deadline; ) {
      try {
        answer = client.send(ready, HttpResponse.BodyHandlers.discarding());
      } catch (IOException notYet) {
        assertTrue(process.isAlive(), process.output());
        Thread.sleep(200);
      }
    }
    var discovery = answer == null ? null : client.send(HttpRequest.newBuilder(
        URI.create("https://localhost:" + port + "/.well-known/openid-configuration")).build(),
        HttpResponse.BodyHandlers.ofString());
    process.close();
    assertTrue(answer != null && answer.statusCode() == 200, process.output());
    assertEquals(HttpClient.Version.HTTP_2, answer.version());
    var issuer = new JsonObject(discovery.body());
    assertEquals("https://localhost:" + port, issuer.getString("issuer"), discovery.body());
    assertEquals("https://localhost:" + port + "/.well-known/jwks.json", issuer.getString("jwks_uri"));
    assertTrue(process.output().contains("Orgplane is up: https://localhost:" + port), process.output());
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    var store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (var pem = Files.newInputStream(certificate)) {
      store.setCertificateEntry("orgplane", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    var context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  @Test
  void writesSurviveRestartAndKillDashNine() throws IOException {
    int port = Platform.freePort();
    var gateway = new Gateway("http://127.0.0.1:" + port);
    // no timed flush in this run: the access lines below can only come from the flush at stop
    var first = startStandalone(port, Map.of("ORGPLANE_ACCESS_LOG_FLUSH_MILLIS", "3600000"));
    String printedAdminLine = first.output().lines().filter(l -> l.contains("platform admin")).findFirst().orElse("");
    assertTrue(printedAdminLine.contains("admin@orgplane.local"), first.output());
    var register = gateway.postJson("/v1/auth/register", null,
        new JsonObject().put("email", "durable@e2e.test").put("password", "durable-password-1").put("name", "D"));
    assertEquals(201, register.status(), register.body());
    for (var socket : List.of("org-service.sock", "engine.sock")) {
      assertEquals(Platform.UNIX_SOCKETS, Files.exists(dataDir.resolve(socket)),
          "the gateway reaches the services through Unix sockets, but on io_uring");
    }
    var database = PgUrl.parse(Files.readString(dataDir.resolve("postgres.url")).trim());
    assertEquals(3, PgFixture.queryLong(database, "SELECT count(*) FROM pg_settings "
            + "WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') AND setting = 'on'"),
        "the embedded PostgreSQL keeps what it acknowledged through a crash of the machine");
    first.close();
    assertTrue(first.output().lines().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")),
        "a clean first run (start, requests, stop) warns about nothing: " + first.output());
    // stopping writes out the buffered access lines, at both hops
    for (var service : List.of("api-gateway", "org-service")) {
      assertTrue(first.output().lines().anyMatch(l -> l.contains("\"service\":\"" + service + "\"")
          && l.contains("\"path\":\"/v1/auth/register\"") && l.contains("\"status\":201")), first.output());
    }

    var second = startStandalone(port);
    assertNotEquals("", gateway.token("durable@e2e.test", "durable-password-1"));
    assertTrue(second.output().lines().noneMatch(l -> l.contains("platform admin:")),
        "the generated admin password is printed once only");
    var token = gateway.token("durable@e2e.test", "durable-password-1");
    var created = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "durable-org").put("title", "D"));
    assertEquals(201, created.status(), created.body());
    awaitAccessLine(second, "\"path\":\"/v1/organizations\",\"status\":201");
    second.kill();

    // the platform restarted with its gateway on two event loops answers as with one
    var third = startStandalone(port, Map.of("ORGPLANE_GATEWAY_EVENT_LOOPS", "2"));
    var read = gateway.get("/v1/organizations/durable-org", gateway.token("durable@e2e.test", "durable-password-1"));
    assertEquals(200, read.status(), read.body());
    third.close();
    assertTrue(third.output().lines().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")), third.output());
  }

  @Test
  void thePlatformRunsOnIoUring() throws IOException {
    assumeTrue(Transport.IO_URING.available(), "this kernel refuses io_uring: " + Transport.IO_URING.unavailabilityCause());
    int port = Platform.freePort();
    var gateway = new Gateway("http://127.0.0.1:" + port);
    var process = startStandalone(port, Map.of("ORGPLANE_TRANSPORT", "io_uring"));
    var register = gateway.postJson("/v1/auth/register", null,
        new JsonObject().put("email", "uring@e2e.test").put("password", "uring-password-1").put("name", "U"));
    assertEquals(201, register.status(), register.body());
    var token = gateway.token("uring@e2e.test", "uring-password-1");
    var created = gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "uring-org").put("title", "U"));
    assertEquals(201, created.status(), created.body());
    var read = gateway.get("/v1/organizations/uring-org", token);
    assertEquals(200, read.status(), read.body());
    try (var files = Files.list(dataDir)) {
      assertTrue(files.noneMatch(f -> f.toString().endsWith(".sock")), "io_uring has no Unix sockets: TCP between services");
    }
    process.close();
    assertTrue(process.output().lines().noneMatch(l -> l.contains(" WARN ") || l.contains(" ERROR ")), process.output());
  }

  @Test
  void anUnknownTransportIsOneLineErrorAndNonZeroExit() throws InterruptedException {
    var process = ServiceProcess.start("standalone", "standalone-bad-transport",
        Map.of("ORGPLANE_DATA_DIR", dataDir.toString(), "ORGPLANE_HTTP_PORT", String.valueOf(Platform.freePort())),
        Map.of("ORGPLANE_TRANSPORT", "kqueue"));
    assertEquals(1, process.waitForExit());
    var lines = process.output().lines().filter(l -> l.startsWith("orgplane:")).toList();
    assertEquals(List.of("orgplane: ORGPLANE_TRANSPORT must be epoll or io_uring, got 'kqueue'"), lines, process.output());
  }

  @Test
  void aGatewayOnIoUringRefusesUnixSocketRoutesAtStart() throws InterruptedException {
    assumeTrue(Transport.IO_URING.available(), "this kernel refuses io_uring: " + Transport.IO_URING.unavailabilityCause());
    var process = ServiceProcess.start("gateway", "gateway-io_uring-unix",
        Map.of("ORGPLANE_HTTP_PORT", String.valueOf(Platform.freePort()),
            "ORGPLANE_ORG_SERVICE_SOCKET", dataDir.resolve("org-service.sock").toString()),
        Map.of("ORGPLANE_TRANSPORT", "io_uring"));
    assertEquals(1, process.waitForExit());
    var lines = process.output().lines().filter(l -> l.startsWith("orgplane:")).toList();
    assertEquals(1, lines.size(), process.output());
    assertTrue(lines.get(0).contains("Unix socket") && lines.get(0).contains("ORGPLANE_TRANSPORT=io_uring"), lines.get(0));
  }

  /** A running platform writes its buffered access lines out within moments, not only when it stops. */
  private static void awaitAccessLine(ServiceProcess process, String fragment) {
    // flushed every 200 ms; not written until the stop (the bug) would miss any wait, so a busy machine's is long
    long deadline = System.currentTimeMillis() + 30_000;
    while (process.output().lines().noneMatch(l -> l.contains(fragment))) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("no access line with " + fragment + " within 30 s:\n" + process.output());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void unwritableDataDirIsOneLineErrorAndNonZeroExit() throws IOException, InterruptedException {
    var blocker = dataDir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    var process = ServiceProcess.start("standalone", "standalone-bad-dir",
        Map.of("ORGPLANE_DATA_DIR", blocker.resolve("sub").toString(), "ORGPLANE_HTTP_PORT", String.valueOf(Platform.freePort())));
    assertEquals(1, process.waitForExit());
    var lines = process.output().lines().filter(l -> l.startsWith("orgplane:")).toList();
    assertEquals(1, lines.size(), process.output());
    assertTrue(lines.get(0).contains("ORGPLANE_DATA_DIR"), lines.get(0));
  }

  @Test
  void portInUseIsOneLineErrorNamingThePort() throws IOException, InterruptedException {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      var process = ServiceProcess.start("standalone", "standalone-port-taken", Map.of(
          "ORGPLANE_DATA_DIR", dataDir.resolve("port").toString(),
          "ORGPLANE_HTTP_HOST", "127.0.0.1",
          "ORGPLANE_HTTP_PORT", String.valueOf(taken.getLocalPort()),
          "ORGPLANE_ORG_SERVICE_PORT", String.valueOf(Platform.freePort()),
          "ORGPLANE_ENGINE_PORT", String.valueOf(Platform.freePort())));
      assertEquals(1, process.waitForExit());
      var lines = process.output().lines().filter(l -> l.startsWith("orgplane:")).toList();
      assertEquals(1, lines.size(), process.output());
      assertTrue(lines.get(0).contains(String.valueOf(taken.getLocalPort())), lines.get(0));
    }
  }

  @Test
  void unreachableDatabaseIsOneLineErrorAndNonZeroExit() throws InterruptedException {
    var process = ServiceProcess.start("org-service", "org-service-bad-pg",
        Map.of("ORGPLANE_PG_URL", "postgresql://postgres:x@127.0.0.1:" + Platform.freePort() + "/postgres",
            "ORGPLANE_ORG_SERVICE_PORT", String.valueOf(Platform.freePort()),
            // the shipped 5 would wait out 31 s of tries before the same line
            "ORGPLANE_PG_CONNECT_RETRIES", "0"));
    assertEquals(1, process.waitForExit());
    assertTrue(process.output().lines().anyMatch(l -> l.startsWith("orgplane:") && l.contains("127.0.0.1")),
        process.output());
    assertTrue(process.output().lines().noneMatch(l -> l.trim().startsWith("at ")), "no stack trace wall");
  }
}
