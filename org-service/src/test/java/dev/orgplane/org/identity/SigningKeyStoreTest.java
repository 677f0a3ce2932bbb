package dev.orgplane.org.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SigningKeyStoreTest {

  private static final int INSTANCES = 4;

  @Test
  void instancesStartingTogetherOnAFreshDatabaseMakeOneKeyAndSignWithIt(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), INSTANCES, List.of())
        .await();
    var stores = IntStream.range(0, INSTANCES).mapToObj(i -> new SigningKeyStore(vertx, pool, 3600, 60_000)).toList();

    Future.all(stores.stream().map(SigningKeyStore::start).toList()).await();

    assertEquals(1L, count(pool, "SELECT count(*) FROM org.signing_keys"));
    var kid = stores.get(0).signer().kid();
    stores.forEach(store -> assertEquals(kid, store.signer().kid()));
    stores.forEach(SigningKeyStore::stop);
  }

  @Test
  void rotationsRacingEachOtherLeaveOneKeySigning(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), INSTANCES, List.of())
        .await();
    var store = new SigningKeyStore(vertx, pool, 3600, 60_000);
    store.start().await();

    Future.all(IntStream.range(0, INSTANCES).mapToObj(i -> store.rotate()).toList()).await();

    assertEquals(1L, count(pool, "SELECT count(*) FROM org.signing_keys WHERE retired_at IS NULL"));
    assertEquals(1L + INSTANCES, count(pool, "SELECT count(*) FROM org.signing_keys"));
    store.stop();
  }

  /**
   * An instance that has not reloaded since a rotation elsewhere goes on signing with the retired key for up to a
   * reload period; the key stays published a lifetime after that, so none of those tokens is refused before its exp.
   */
  @Test
  void aRetiredKeyIsPublishedALifetimeAndAReloadPeriodLong(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 1, List.of()).await();
    var rotating = new SigningKeyStore(vertx, pool, 3600, 60_000);
    rotating.start().await();
    rotating.rotate().await();
    rotating.stop();

    pool.query("UPDATE org.signing_keys SET retired_at = now() - interval '3630 seconds' WHERE retired_at IS NOT NULL")
        .execute().await();
    assertEquals(2, publishedKeys(vertx, pool), "a token signed with it 30 s after its retirement lives 3,630 s on");

    pool.query("UPDATE org.signing_keys SET retired_at = now() - interval '3670 seconds' WHERE retired_at IS NOT NULL")
        .execute().await();
    assertEquals(1, publishedKeys(vertx, pool), "past a lifetime and a reload period, no token of it is left");
  }

  private static int publishedKeys(Vertx vertx, Pool pool) {
    var store = new SigningKeyStore(vertx, pool, 3600, 60_000);
    store.start().await();
    store.stop();
    return store.keys().await().size();
  }

  /** A reload period the timer refuses used to be logged from a success handler: the store started, never to reload. */
  @Test
  void aReloadPeriodTheTimerRefusesFailsTheStart(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 1, List.of()).await();
    var store = new SigningKeyStore(vertx, pool, 3600, 0);

    assertThrows(IllegalArgumentException.class, () -> store.start().await());
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
