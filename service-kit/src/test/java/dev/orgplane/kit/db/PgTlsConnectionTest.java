package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.TcpProxy;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.ClosedConnectionException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ORGPLANE_PG_URL's sslmode against a PostgreSQL that speaks TLS, with a self-signed certificate for
 * {@code localhost} made by openssl (the test is skipped on a machine without it).
 */
class PgTlsConnectionTest {

  private static final String IS_ENCRYPTED = "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

  @TempDir
  static Path dir;
  private static EmbeddedPostgres server;
  private static Vertx vertx;

  @BeforeAll
  static void startAServerSpeakingTls() throws Exception {
    assumeTrue(selfSigned("server") && selfSigned("stranger"), "openssl is needed to make the certificates");
    Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
    server = EmbeddedPostgres.builder()
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", dir.resolve("server.pem").toString())
        .setServerConfig("ssl_key_file", dir.resolve("server.key").toString())
        .start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws IOException {
    if (vertx != null) {
      vertx.close().await();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void requireEncryptsThePoolsAndJdbcsConnections() {
    var url = url("localhost", "sslmode=require");
    assertEquals("true", poolAnswers(url, IS_ENCRYPTED));
    assertEquals("true", PgFixture.queryString(url, IS_ENCRYPTED));
  }

  @Test
  void verifyFullConnectsToTheHostItsCaCertified() {
    var url = url("localhost", "sslmode=verify-full&sslrootcert=" + dir.resolve("server.pem"));
    assertEquals("true", poolAnswers(url, IS_ENCRYPTED));
    assertEquals("true", PgFixture.queryString(url, IS_ENCRYPTED));
  }

  @Test
  void verifyFullRefusesACertificateOfAnotherCa() {
    var url = url("localhost", "sslmode=verify-full&sslrootcert=" + dir.resolve("stranger.pem"));
    assertThrows(Exception.class, () -> poolAnswers(url, IS_ENCRYPTED));
    assertThrows(IllegalStateException.class, () -> PgFixture.queryString(url, IS_ENCRYPTED));
  }

  /** The certificate names localhost, not 127.0.0.1: verify-full refuses that address, verify-ca does not look. */
  @Test
  void onlyVerifyFullChecksTheHostName() {
    var fullAtAnAddress = url("127.0.0.1", "sslmode=verify-full&sslrootcert=" + dir.resolve("server.pem"));
    assertThrows(Exception.class, () -> poolAnswers(fullAtAnAddress, IS_ENCRYPTED));
    var caOnly = url("127.0.0.1", "sslmode=verify-ca&sslrootcert=" + dir.resolve("server.pem"));
    assertEquals("true", poolAnswers(caOnly, IS_ENCRYPTED));
    assertEquals("true", PgFixture.queryString(caOnly, IS_ENCRYPTED));
  }

  /** What is watched for an answer is the protocol inside TLS: its bytes on the wire tell nothing. */
  @Test
  void aServicesPoolOverTlsGivesUpASilentServerAndRecovers() throws InterruptedException {
    try (var network = TcpProxy.start("127.0.0.1", server.getPort())) {
      var url = PgUrl.parse("postgresql://postgres:postgres@127.0.0.1:" + network.port() + "/postgres?sslmode=require");
      var pool = Database.open(vertx, url, 1, new SessionTimeouts(1_000, 60_000), List.of()).await();
      assertEquals("true", pool.query(IS_ENCRYPTED).execute().await().iterator().next().getString(0));
      assertEquals(1, pool.query("SELECT 1 FROM pg_sleep(0.9)").execute().await().size());
      network.silence();
      var unanswered = pool.query("SELECT 2").execute();
      Eventually.holds(unanswered::isComplete, "a statement sent into a silent network was still waiting after 10 s");
      assertInstanceOf(ClosedConnectionException.class, unanswered.cause());
      // the statement fails as the channel goes inactive, a step before the pool lets the connection go: asked in
      // between, the pool lent the closed connection ("Connection is not active now")
      Eventually.holds(() -> pool.size() == 0, "the pool still held the closed connection after 10 s");
      network.speak();
      assertEquals("true", pool.query(IS_ENCRYPTED).execute().timeout(10, TimeUnit.SECONDS).await().iterator().next()
          .getString(0));
      pool.close().await();
    }
  }

  private static PgUrl url(String host, String query) {
    return PgUrl.parse("postgresql://postgres:postgres@" + host + ":" + server.getPort() + "/postgres?" + query);
  }

  private static String poolAnswers(PgUrl url, String sql) {
    var pool = PgBuilder.pool().connectingTo(url.connectOptions()).using(vertx).build();
    try {
      return pool.query(sql).execute().await().iterator().next().getString(0);
    } finally {
      pool.close().await();
    }
  }

  /**
   * A key and a self-signed certificate for localhost, {@code name.key} and {@code name.pem}; false without openssl.
   */
  private static boolean selfSigned(String name) throws InterruptedException {
    try {
      var openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
          "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".pem").toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return openssl.waitFor() == 0;
    } catch (IOException noOpenssl) {
      return false;
    }
  }
}
