package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import org.junit.jupiter.api.Test;

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
