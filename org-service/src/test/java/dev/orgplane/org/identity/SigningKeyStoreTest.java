package dev.orgplane.org.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SigningKeyStoreTest {

  private static final int INSTANCES = 4;
  private static final String ISS = "https://orgplane.test";
  private static final String AUD = "orgplane";
  /** A minute's lead, as a reload period of a minute and JWKS kept a few seconds would make. */
  private static final SigningSchedule SCHEDULE = new SigningSchedule(3600, 60_000, 60_000);

  @Test
  void instancesStartingTogetherOnAFreshDatabaseMakeOneKeyAndSignWithIt(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), INSTANCES, List.of())
        .await();
    var stores = IntStream.range(0, INSTANCES).mapToObj(i -> new SigningKeyStore(vertx, pool, SCHEDULE)).toList();

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
    var store = new SigningKeyStore(vertx, pool, SCHEDULE);
    store.start().await();

    Future.all(IntStream.range(0, INSTANCES).mapToObj(i -> store.rotate()).toList()).await();

    assertEquals(1L, count(pool, "SELECT count(*) FROM org.signing_keys WHERE retired_at IS NULL"));
    assertEquals(1L + INSTANCES, count(pool, "SELECT count(*) FROM org.signing_keys"));
    store.stop();
  }

  /**
   * A retired key signs until its successor's lead has passed; it stays published a lifetime after that, so none of
   * its tokens is refused before its exp.
   */
  @Test
  void aRetiredKeyIsPublishedALifetimeAndALeadLong(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 1, List.of()).await();
    var rotating = new SigningKeyStore(vertx, pool, SCHEDULE);
    rotating.start().await();
    rotating.rotate().await();
    rotating.stop();

    pool.query("UPDATE org.signing_keys SET retired_at = now() - interval '3630 seconds' WHERE retired_at IS NOT NULL")
        .execute().await();
    assertEquals(2, publishedKeys(vertx, pool), "a token signed with it 30 s after its retirement lives 3,630 s on");

    pool.query("UPDATE org.signing_keys SET retired_at = now() - interval '3670 seconds' WHERE retired_at IS NOT NULL")
        .execute().await();
    assertEquals(1, publishedKeys(vertx, pool), "past a lifetime and a lead, no token of it is left");
  }

  /**
   * A rotated-in key is published at once, and the retired one goes on signing until the lead has passed: every
   * verifier has fetched the new key by then. Until session 35 the new key signed at once, and its tokens were refused
   * wherever the JWKS fetched before the rotation was still kept.
   */
  @Test
  void aRotatedInKeyIsPublishedAtOnceAndSignsOnlyOnceItsLeadHasPassed(Vertx vertx) throws InterruptedException {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 2, List.of()).await();
    // a lead of 6 s: with 3, both stores had to be refreshed and seen signing with the old key within 0.9 s of the
    // wait for the next second, which a busy machine could pass
    var lead = new SigningSchedule(3600, 60_000, 6_000);
    var rotating = new SigningKeyStore(vertx, pool, lead);
    var other = new SigningKeyStore(vertx, pool, lead);
    rotating.start().await();
    other.start().await();
    var old = rotating.signer().kid();

    var rotated = rotating.rotate().await();
    assertTrue(Duration.between(Instant.now(), rotated.signsFrom()).toMillis() > 4_000, rotated.signsFrom().toString());
    Thread.sleep(1_100);
    other.refresh().await();

    for (var store : List.of(rotating, other)) {
      assertEquals(List.of(old, rotated.kid()), kids(store), "both published at once");
      assertEquals(old, store.signer().kid(), "the old key signs until the lead has passed");
    }
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), rotated.signsFrom()).toMillis()) + 200);
    for (var store : List.of(rotating, other)) {
      assertEquals(rotated.kid(), store.signer().kid(), "without a reload: the switch was known in advance");
    }
    rotating.stop();
    other.stop();
  }

  /**
   * A token naming a kid the store lacks waits for the load under way: until session 35 one that came while another
   * token's load was under way was answered the keys known before it, and refused.
   */
  @Test
  void aRefreshDuringALoadAnswersWhatTheLoadBrings(Vertx vertx) throws InterruptedException {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 2, List.of()).await();
    var store = new SigningKeyStore(vertx, pool, SCHEDULE);
    store.start().await();
    var rotated = new SigningKeyStore(vertx, pool, SCHEDULE).rotate().await();
    Thread.sleep(1_100);

    var first = store.refresh();
    var second = store.refresh();

    assertTrue(second.await().stream().anyMatch(key -> rotated.kid().equals(key.getString("kid"))));
    assertTrue(first.await().stream().anyMatch(key -> rotated.kid().equals(key.getString("kid"))));
    store.stop();
  }

  /**
   * A key that drops out of the store takes along the tokens its service's verifier remembered: until session 35 the
   * store told nobody, and a token forged with a key that leaked was taken after its rotation until its exp.
   */
  @Test
  void aKeyThatDropsOutTakesTheTokensItVerifiedAlong(Vertx vertx) throws InterruptedException {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 1, List.of()).await();
    var store = new SigningKeyStore(vertx, pool, SCHEDULE);
    store.start().await();
    var verifier = new TokenVerifier(vertx, List.of(new TrustedIssuer(ISS, AUD, store, 3600)));
    long now = System.currentTimeMillis() / 1000;
    var token = store.signer().sign(new JsonObject().put("iss", ISS).put("aud", AUD).put("sub", "alice")
        .put("iat", now).put("exp", now + 3600));
    assertEquals("alice", verifier.verify(token).await().subject());

    store.rotate().await();
    pool.query("UPDATE org.signing_keys SET retired_at = now() - interval '3700 seconds' WHERE retired_at IS NOT NULL")
        .execute().await();
    Thread.sleep(1_100);
    store.refresh().await();

    var refused = assertThrows(ApiException.class, () -> verifier.verify(token).await());
    assertEquals(401, refused.status());
    store.stop();
  }

  private static List<String> kids(SigningKeyStore store) {
    return store.keys().await().stream().map(key -> key.getString("kid")).toList();
  }

  private static int publishedKeys(Vertx vertx, Pool pool) {
    var store = new SigningKeyStore(vertx, pool, SCHEDULE);
    store.start().await();
    store.stop();
    return store.keys().await().size();
  }

  /** A reload period the timer refuses used to be logged from a success handler: the store started, never to reload. */
  @Test
  void aReloadPeriodTheTimerRefusesFailsTheStart(Vertx vertx) {
    var pool = Database.open(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), 1, List.of()).await();
    var store = new SigningKeyStore(vertx, pool, new SigningSchedule(3600, 0, 60_000));

    assertThrows(IllegalArgumentException.class, () -> store.start().await());
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
