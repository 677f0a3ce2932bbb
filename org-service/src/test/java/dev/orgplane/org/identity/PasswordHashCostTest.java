package dev.orgplane.org.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * bcrypt's cost is {@value PasswordHasher#COST_SETTING}: here 8, above the hashes the tests store as made at another
 * cost (4, the harness's), by enough that a check at the one takes clearly longer than at the other (16 times).
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordHashCostTest {

  private static final int COST = OrgServiceHarness.PASSWORD_HASH_COST + 4;
  /** How a hash made at {@link #COST} begins: bcrypt writes its cost in it. */
  private static final String OF_THE_COST = String.format("hmac-sha256:$2b$%02d$", COST);

  private OrgServiceHarness org;
  private Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    org = OrgServiceHarness.start(vertx, PasswordHasher.COST_SETTING, String.valueOf(COST));
  }

  @Test
  void newPasswordsAreHashedAtTheConfiguredCost() {
    var alice = org.newUser("alice");

    assertTrue(storedHash(alice.id()).startsWith(OF_THE_COST), storedHash(alice.id()));
  }

  /** bcrypt keeps its cost in the hash: one of another still signs in, and is replaced by one at the setting's. */
  @Test
  void aHashOfAnotherCostSignsInAndIsHashedAnewAtTheConfiguredOne() {
    var bob = org.newUser("bob");
    var cheaper = PasswordHasher.started(vertx, 0, COST - 1).await().hash("password-bob-123").await();
    PgFixture.execute(org.db(), "UPDATE org.users SET password_hash = '" + cheaper + "' WHERE id = '" + bob.id() + "'");

    assertEquals(200, org.requestToken(bob.email(), "password-bob-123").statusCode());

    var replaced = storedHash(bob.id());
    assertTrue(replaced.startsWith(OF_THE_COST), replaced);
    assertEquals(200, org.requestToken(bob.email(), "password-bob-123").statusCode());
    assertEquals(replaced, storedHash(bob.id()), "a hash of the configured cost is kept");
  }

  /**
   * An unknown user's password is checked against a hash of the configured cost, as a known user's is: at a cost of
   * its own, the time of a sign-in told whether the address has an account.
   */
  @Test
  void theDummyHashOfUnknownUsersIsOfTheConfiguredCost() {
    var hasher = PasswordHasher.started(vertx, 0, COST).await();

    assertFalse(hasher.outdated(hasher.dummyHash()), hasher.dummyHash());
    assertTrue(hasher.dummyHash().startsWith(OF_THE_COST), hasher.dummyHash());
  }

  /**
   * A wrong password for an account whose hash is of an older, lower cost takes as long as one for no account: checked
   * at the stored cost alone, it took a sixteenth of the time here, and told which addresses have accounts.
   */
  @Test
  void aWrongPasswordForAHashOfALowerCostTakesAsLongAsForAnUnknownAddress() {
    var carol = org.newUser("carol");
    var older = PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST).await()
        .hash("password-carol-123").await();
    PgFixture.execute(org.db(), "UPDATE org.users SET password_hash = '" + older + "' WHERE id = '" + carol.id() + "'");
    // the first request of a kind pays for warming up, not for its hash
    org.requestToken("nobody-warm@test.local", "password-wrong-123");
    // the fastest of a few of each: a loaded machine only ever adds time, and the hash's own time is the least of them
    long known = Long.MAX_VALUE;
    long unknown = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      assertEquals(400, org.requestToken(carol.email(), "password-wrong-12" + i).statusCode());
      long between = System.nanoTime();
      assertEquals(400, org.requestToken("nobody" + i + "@test.local", "password-wrong-12" + i).statusCode());
      known = Math.min(known, between - start);
      unknown = Math.min(unknown, System.nanoTime() - between);
    }

    assertTrue(known * 2 > unknown && unknown * 2 > known, "known " + known / 1_000_000 + " ms, unknown "
        + unknown / 1_000_000 + " ms at the fastest");
  }

  private String storedHash(String userId) {
    return PgFixture.queryString(org.db(), "SELECT password_hash FROM org.users WHERE id = '" + userId + "'");
  }
}
