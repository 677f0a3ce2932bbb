package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgUrlTest {

  @Test
  void servicesSessionsRunWithoutJitCompilationWithSsdCostsAndInUtc() {
    var vertx = Vertx.vertx();
    try {
      var database = PgFixture.freshDatabase();
      // a server whose zone is not UTC: timestamps it renders itself would carry that zone's offset
      PgFixture.execute(PgFixture.server(), "ALTER DATABASE \"" + database.database() + "\" SET TimeZone = 'Asia/Tokyo'");
      var pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
      var settings = pool.query("SELECT current_setting('jit'), current_setting('TimeZone'), "
          + "jsonb_build_object('at', '2026-01-02 03:04:05+00'::timestamptz)->>'at', current_setting('random_page_cost')")
          .execute().await().iterator().next();
      assertEquals("off", settings.getString(0));
      assertEquals("UTC", settings.getString(1));
      assertEquals("2026-01-02T03:04:05+00:00", settings.getString(2));
      assertEquals("1.1", settings.getString(3));
      pool.close().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void parsesAndRedactsUrls() {
    var url = PgUrl.parse("postgresql://app:s3cret@db.example:6543/orgplane");
    assertEquals(new PgUrl("db.example", 6543, "orgplane", "app", "s3cret"), url);
    assertEquals("postgresql://app@db.example:6543/orgplane", url.redacted());
  }

  /** A + in the user or password is itself, as PostgreSQL's clients read it: form decoding made it a space. */
  @Test
  void userAndPasswordArePercentDecodedKeepingPlus() {
    var url = PgUrl.parse("postgresql://a+pp%40x:pa+ss%2Bx%20y@db.example:5432/app");
    assertEquals("a+pp@x", url.user());
    assertEquals("pa+ss+x y", url.password());
  }

  @Test
  void writtenOutAUrlReadsBackAsItWas() {
    var url = new PgUrl("db.example", 5432, "app", "a+pp@x", "pa ss+x:/%?#é");
    assertEquals("postgresql://a%2Bpp%40x:pa%20ss%2Bx%3A%2F%25%3F%23%C3%A9@db.example:5432/app", url.toString());
    assertEquals(url, PgUrl.parse(url.toString()));
  }

  /** A URL that cannot be read is refused without a word of its password: the line may end up in any log. */
  @Test
  void aBadUrlIsRefusedWithoutItsPassword() {
    for (var bad : new String[] {"postgresql://app:s3cr%t@db/x", "postgresql://app:s3cr^et@db/x"}) {
      var refused = assertThrows(ConfigException.class, () -> PgUrl.parse(bad));
      assertFalse(refused.getMessage().contains("s3cr"), refused.getMessage());
    }
  }

  /**
   * libpq's sslmode reaches both clients: the pool encrypts, and so does Flyway's JDBC connection. Under allow, prefer
   * and require the certificate goes unchecked, as libpq leaves it; without sslmode both prefer encryption, libpq's
   * default.
   */
  @Test
  void sslmodeReachesThePoolAndJdbc() {
    var url = PgUrl.parse("postgresql://app:s3cret@db.example:5432/orgplane?sslmode=require");
    assertEquals(SslMode.REQUIRE, url.connectOptions().getSslMode());
    assertTrue(url.connectOptions().getSslOptions().isTrustAll());
    assertEquals("jdbc:postgresql://db.example:5432/orgplane?sslmode=require", url.jdbcUrl());
    assertEquals(url, PgUrl.parse(url.toString()));

    var unsaid = PgUrl.parse("postgresql://app:s3cret@db.example:5432/orgplane");
    assertEquals(SslMode.PREFER, unsaid.connectOptions().getSslMode());
    assertEquals("jdbc:postgresql://db.example:5432/orgplane?sslmode=prefer", unsaid.jdbcUrl());
    assertEquals(SslMode.DISABLE,
        PgUrl.parse("postgresql://app:s3cret@db.example/orgplane?sslmode=disable").connectOptions().getSslMode());
  }

  /** verify-full checks the CA and the host name, verify-ca the CA only; JDBC is given the same file. */
  @Test
  void verifyModesCheckTheServersCertificateAgainstSslrootcert(@TempDir Path dir) throws IOException {
    var ca = Files.writeString(dir.resolve("ca 1.pem"), "-----BEGIN CERTIFICATE-----\n");
    var full = PgUrl.parse("postgresql://app:s3cret@db.example/orgplane?sslmode=verify-full&sslrootcert="
        + ca.toString().replace(" ", "%20"));
    var options = full.connectOptions();
    assertEquals(SslMode.VERIFY_FULL, options.getSslMode());
    assertEquals("HTTPS", options.getSslOptions().getHostnameVerificationAlgorithm());
    assertFalse(options.getSslOptions().isTrustAll());
    assertEquals(List.of(ca.toString()), ((PemTrustOptions) options.getSslOptions().getTrustOptions()).getCertPaths());
    assertEquals("jdbc:postgresql://db.example:5432/orgplane?sslmode=verify-full&sslrootcert="
        + URLEncoder.encode(ca.toString(), StandardCharsets.UTF_8).replace("+", "%20"), full.jdbcUrl());
    assertEquals(full, PgUrl.parse(full.toString()));

    var caOnly = PgUrl.parse("postgresql://db.example/orgplane?sslmode=verify-ca&sslrootcert="
        + ca.toString().replace(" ", "%20")).connectOptions();
    assertEquals(SslMode.VERIFY_CA, caOnly.getSslMode());
    assertEquals("", caOnly.getSslOptions().getHostnameVerificationAlgorithm());
  }

  /** Any other parameter, or one that cannot be honoured, stops the start naming the setting, never the password. */
  @Test
  void parametersThatCannotBeHonouredAreRefused(@TempDir Path dir) {
    var base = "postgresql://app:s3cret@db.example/orgplane?";
    for (var given : new String[][] {
        {"ssl=true", "ORGPLANE_PG_URL takes the parameters sslmode and sslrootcert only, not 'ssl'"},
        {"sslmode=require&password=s3cret",
            "ORGPLANE_PG_URL takes the parameters sslmode and sslrootcert only, not 'password'"},
        {"sslmode=on", "ORGPLANE_PG_URL's sslmode must be one of disable, allow, prefer, require, verify-ca, "
            + "verify-full, not 'on'"},
        {"sslmode=require&sslmode=disable", "ORGPLANE_PG_URL gives sslmode twice"},
        {"sslmode=verify-full", "ORGPLANE_PG_URL's sslmode=verify-full needs sslrootcert, the PEM file of the CA that "
            + "signed the server's certificate"},
        {"sslmode=require&sslrootcert=" + dir, "ORGPLANE_PG_URL's sslrootcert is read under sslmode=verify-ca or "
            + "verify-full only: under sslmode=require the server's certificate is not checked"},
        {"sslmode=verify-ca&sslrootcert=" + dir, "ORGPLANE_PG_URL's sslrootcert " + dir + " is not a readable file"},
        {"sslmode=verify-ca&sslrootcert=" + dir.resolve("none.pem"),
            "ORGPLANE_PG_URL's sslrootcert " + dir.resolve("none.pem") + " is not a readable file"}}) {
      var refused = assertThrows(ConfigException.class, () -> PgUrl.parse(base + given[0]), given[0]);
      assertEquals(given[1], refused.getMessage());
    }
  }

  /** Another scheme, or none, is refused showing what was given, its password masked. */
  @Test
  void aUrlOfAnotherKindIsRefusedShowingItWithoutItsPassword() {
    for (var given : new String[][] {{"garbage", "garbage"}, {" mysql://app:s3cret@db/x", "mysql://app:***@db/x"},
        {"app:s3cret@db:5432/x", "app:***@db:5432/x"}, {"http://db:5432/x", "http://db:5432/x"}}) {
      var refused = assertThrows(ConfigException.class, () -> PgUrl.parse(given[0]));
      assertEquals("ORGPLANE_PG_URL must start with postgresql://, got '" + given[1] + "'", refused.getMessage());
    }
  }
}
