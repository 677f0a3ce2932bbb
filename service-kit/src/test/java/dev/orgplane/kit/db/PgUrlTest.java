package dev.orgplane.kit.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import org.junit.jupiter.api.Test;

class PgUrlTest {

  @Test
  void servicesSessionsRunWithoutJitCompilation() {
    var vertx = Vertx.vertx();
    try {
      var pool = PgBuilder.pool().connectingTo(PgFixture.server().connectOptions()).using(vertx).build();
      var jit = pool.query("SHOW jit").execute().await().iterator().next().getString(0);
      assertEquals("off", jit);
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
}
