package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Passwords are hashed on threads of their own, with at most {@value #QUEUE} hashes waiting here
 * ({@value PasswordHasher#QUEUE_SETTING}). The tests hold every hashing thread, as a burst of hashes would, to see
 * what waits and what is refused. On Vert.x's default worker pool, with its unbounded queue, 60 sign-ins at fresh
 * addresses made another tenant's sign-in take 13.5 s instead of 0.3.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordHashingQueueTest {

  private static final int QUEUE = 2;
  /** The lower half of the advisory lock's id under which a start makes the admin ("orgplane"), as pg_locks shows it. */
  private static final long ADMIN_LOCK_LOW_BITS = 0x6c616e65L;

  private final ExecutorService requests = Executors.newCachedThreadPool();
  private OrgServiceHarness org;
  private Vertx vertx;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    org = OrgServiceHarness.start(vertx, PasswordHasher.QUEUE_SETTING, String.valueOf(QUEUE));
  }

  @AfterAll
  void stopRequests() {
    requests.shutdownNow();
  }

  @Test
  void hashesPastTheQueueAreRefusedAtOnceAndSignInsGoOnWhenThreadsFree() throws Exception {
    var alice = org.newUser("alice");
    var admitted = PasswordHasher.THREADS + QUEUE;
    List<CompletableFuture<HttpResponse<Buffer>>> burst;
    try (var held = HeldThreads.all(vertx)) {
      burst = IntStream.range(0, admitted + 3).mapToObj(i -> sent(() -> org.requestToken(
          "nobody-" + UUID.randomUUID() + "@test.local", "some-guess-123"))).toList();

      var refused = firstAnswers(burst, 3);

      for (var answer : refused) {
        assertProblem(answer, 503, "busy");
        assertEquals("1", answer.getHeader("Retry-After"));
      }
      assertEquals(admitted, burst.stream().filter(request -> !request.isDone()).count(),
          "a thread's worth and the queue's wait for the threads");
    }
    CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    assertEquals(admitted, burst.stream().filter(request -> request.join().statusCode() == 400).count(),
        "the waiting hashes were checked once the threads were free");
    assertEquals(200, org.requestToken(alice.email(), "password-alice-123").statusCode());
  }

  /** A token is looked up before the new password is hashed: an unknown one costs no bcrypt. */
  @Test
  void anUnknownResetTokenIsRefusedWithoutHashingThePassword() throws Exception {
    try (var held = HeldThreads.all(vertx)) {
      var confirmed = sent(() -> org.post("/v1/auth/password-resets/confirm", null, new JsonObject()
          .put("token", "opr_" + UUID.randomUUID()).put("password", "a-new-password-123")));

      assertProblem(confirmed.get(20, TimeUnit.SECONDS), 400, "invalid_reset_token");
    }
  }

  /**
   * A sign-in refused busy is no attempt: its password is never checked. The owner of an account following
   * {@code Retry-After} while the queue is full is not throttled for it (counted, the sixth was 429 and the wait
   * doubled on, after the load as well).
   */
  @Test
  void signInsRefusedBusyAreNotCountedAsFailures() throws Exception {
    var bob = org.newUser("bob");

    var refused = whileTheQueueIsFull(() -> IntStream.rangeClosed(0, SignInThrottle.FREE_FAILURES)
        .mapToObj(i -> org.requestToken(bob.email(), "password-bob-123")).toList());

    refused.forEach(answer -> assertProblem(answer, 503, "busy"));
    assertEquals(200, org.requestToken(bob.email(), "password-bob-123").statusCode());
  }

  /** The same for the password a change asks again (as do an email change and an account's deletion). */
  @Test
  void passwordConfirmationsRefusedBusyAreNotCountedAsFailures() throws Exception {
    var carol = org.newUser("carol");
    var change = new JsonObject().put("currentPassword", "password-carol-123").put("password", "carols-new-password");

    var refused = whileTheQueueIsFull(() -> IntStream.rangeClosed(0, SignInThrottle.FREE_FAILURES)
        .mapToObj(i -> org.send(HttpMethod.PUT, "/v1/users/me/password", carol.token(), change)).toList());

    refused.forEach(answer -> assertProblem(answer, 503, "busy"));
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/users/me/password", carol.token(), change).statusCode());
  }

  /**
   * A right password on a hash of an older cost signs in even when the new hash it would be replaced by finds the
   * queue full: replacing it is left to the next sign-in. Refused busy, the sign-in failed after its attempt was
   * counted. The place the check frees is taken by another before the new hash asks for one (here the test's own).
   */
  @Test
  void aRightPasswordSignsInWhenTheQueueIsFullForTheNewHash() throws Exception {
    var dave = org.newUser("dave");
    var older = PasswordHasher.started(vertx, 0, OrgServiceHarness.PASSWORD_HASH_COST + 1).await()
        .hash("password-dave-123").await();
    PgFixture.execute(org.db(), "UPDATE org.users SET password_hash = '" + older + "' WHERE id = '" + dave.id() + "'");
    LocalMap<String, Integer> admitted = vertx.sharedData().getLocalMap(PasswordHasher.POOL_NAME);
    var places = PasswordHasher.THREADS + QUEUE;
    CompletableFuture<HttpResponse<Buffer>> signIn;
    try (var held = HeldThreads.all(vertx)) {
      admitted.put(PasswordHasher.POOL_NAME, places - 1);
      signIn = sent(() -> org.requestToken(dave.email(), "password-dave-123"));
      awaitHashesAdmitted(places);
      admitted.merge(PasswordHasher.POOL_NAME, 1, Integer::sum);
    }
    try {
      assertEquals(200, signIn.get(30, TimeUnit.SECONDS).statusCode());
    } finally {
      admitted.remove(PasswordHasher.POOL_NAME);
    }
    assertEquals(older, PgFixture.queryString(org.db(),
        "SELECT password_hash FROM org.users WHERE id = '" + dave.id() + "'"), "replaced by the next sign-in");
    assertEquals(200, org.requestToken(dave.email(), "password-dave-123").statusCode());
    assertNotEquals(older, PgFixture.queryString(org.db(),
        "SELECT password_hash FROM org.users WHERE id = '" + dave.id() + "'"));
  }

  /**
   * With no queue ({@value PasswordHasher#QUEUE_SETTING} 0) and more instances than hashing threads, every instance
   * starts: they hashed the admin's password each, at once, and those refused busy failed the start.
   */
  @Test
  void moreInstancesThanHashingThreadsStartWithNoQueue() {
    var instances = PasswordHasher.THREADS * 2 + 2;
    var config = new JsonObject()
        .put("ORGPLANE_PG_URL", PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS).toString())
        .put("ORGPLANE_ORG_SERVICE_PORT", "0")
        .put("ORGPLANE_PG_POOL_SIZE", "2")
        .put("ORGPLANE_ADMIN_EMAIL", OrgServiceHarness.ADMIN_EMAIL)
        .put("ORGPLANE_ADMIN_PASSWORD", OrgServiceHarness.ADMIN_PASSWORD)
        .put("ORGPLANE_ENGINE_CLIENT_SECRET", OrgServiceHarness.ENGINE_SECRET)
        .put(PasswordHasher.QUEUE_SETTING, "0")
        // the default's: the starts' hashes must overlap, as they did, which those of the tests' least cost hardly do
        .put(PasswordHasher.COST_SETTING, "10");

    var deployed = vertx.deployVerticle(() -> new OrgServiceVerticle(config.copy()),
        new DeploymentOptions().setInstances(instances)).await();

    vertx.undeploy(deployed).await();
  }

  /** An admin made already, a start hashes nothing: it starts while every hashing thread is held. */
  @Test
  void aStartWithAnAdminMadeHashesNothing() throws Exception {
    try (var held = HeldThreads.all(vertx)) {
      var started = CompletableFuture.supplyAsync(() -> OrgServiceHarness.start(vertx, org.db()), requests);

      started.get(20, TimeUnit.SECONDS).undeploy(vertx);
    }
  }

  /**
   * The admin's password at a first start waits for a hashing thread, however full the queue, rather than fail. The
   * start hashes holding the lock that makes one admin of concurrent starts: seen held, it is hashing.
   */
  @Test
  void aFirstStartWaitsForAHashingThreadWhenTheQueueIsFull() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var started = whileTheQueueIsFull(() -> {
      var starting = CompletableFuture.supplyAsync(() -> OrgServiceHarness.start(vertx, db), requests);
      try {
        Eventually.holds(() -> starting.isDone() || PgFixture.queryLong(db, "SELECT count(*) FROM pg_locks "
            + "WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = "
            + "current_database()) AND objid = " + ADMIN_LOCK_LOW_BITS) > 0,
            "the start neither ended nor took the admin lock");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return starting;
    });

    var harness = started.get(60, TimeUnit.SECONDS);
    assertEquals(200, harness.requestToken(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD)
        .statusCode());
    harness.undeploy(vertx);
  }

  /**
   * {@code during} run while every hashing thread is held and the queue full of sign-ins at made-up addresses; its
   * answer once those are answered, the threads free again.
   */
  private <T> T whileTheQueueIsFull(Supplier<T> during) throws Exception {
    List<CompletableFuture<HttpResponse<Buffer>>> filling;
    T answer;
    try (var held = HeldThreads.all(vertx)) {
      filling = IntStream.range(0, PasswordHasher.THREADS + QUEUE).mapToObj(i -> sent(() -> org.requestToken(
          "nobody-" + UUID.randomUUID() + "@test.local", "some-guess-123"))).toList();
      awaitHashesAdmitted(PasswordHasher.THREADS + QUEUE);
      answer = during.get();
    }
    CompletableFuture.allOf(filling.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    return answer;
  }

  /** Waits (30 s at most) until {@code count} hashes are running or waiting. */
  private void awaitHashesAdmitted(int count) throws InterruptedException {
    LocalMap<String, Integer> admitted = vertx.sharedData().getLocalMap(PasswordHasher.POOL_NAME);
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Integer.valueOf(count).equals(admitted.get(PasswordHasher.POOL_NAME)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(count, admitted.get(PasswordHasher.POOL_NAME), "hashes running or waiting");
  }

  private CompletableFuture<HttpResponse<Buffer>> sent(Supplier<HttpResponse<Buffer>> request) {
    return CompletableFuture.supplyAsync(request, requests);
  }

  /** The first {@code count} of {@code requests} to be answered, once they are (30 s at most). */
  private static List<HttpResponse<Buffer>> firstAnswers(List<CompletableFuture<HttpResponse<Buffer>>> requests,
      int count) throws InterruptedException {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (requests.stream().filter(CompletableFuture::isDone).count() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return requests.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
  }

  /** Every hashing thread busy with a task of the test's until closed: what waits for them waits. */
  private static final class HeldThreads implements AutoCloseable {

    private final WorkerExecutor hashing;
    private final CountDownLatch release = new CountDownLatch(1);

    private HeldThreads(WorkerExecutor hashing) {
      this.hashing = hashing;
    }

    static HeldThreads all(Vertx vertx) throws InterruptedException {
      var held = new HeldThreads(vertx.createSharedWorkerExecutor(PasswordHasher.POOL_NAME, PasswordHasher.THREADS));
      var started = new CountDownLatch(PasswordHasher.THREADS);
      for (int i = 0; i < PasswordHasher.THREADS; i++) {
        held.hashing.executeBlocking(() -> {
          started.countDown();
          return held.release.await(2, TimeUnit.MINUTES);
        }, false);
      }
      assertTrue(started.await(30, TimeUnit.SECONDS), "every hashing thread is held");
      return held;
    }

    @Override
    public void close() {
      release.countDown();
      hashing.close();
    }
  }
}
