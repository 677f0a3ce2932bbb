package dev.orgplane.org.identity;

import dev.orgplane.kit.async.BoundedWorkers;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * bcrypt (Bouncy Castle) with a per-password salt, at the cost {@value #COST_SETTING} sets. Hashing is slow on
 * purpose, so it runs on a worker thread, never on the event loop. A dummy hash is checked for unknown users so that
 * "no such user" and "wrong password" take the same time; it is made at that cost too, or the time would tell them
 * apart. A hash stored at another cost still verifies (bcrypt keeps its cost in it), and a password sign-in replaces
 * it (see {@link #outdated}). Until then a wrong password checked against it took the time of its cost, not the
 * setting's: after the setting was raised, the time told an account not signed in since from no account at all. So a
 * failed check of a cheaper hash is padded to the time of one at the setting's cost ({@link Slot#padToSettingsCost}).
 *
 * <p>Hashing has threads of its own, one per core, shared by the service's instances ({@value #POOL_NAME}), and at
 * most {@value #QUEUE_SETTING} hashes wait for them: one more fails at once with 503 {@code busy} and
 * {@code Retry-After}. On Vert.x's default worker pool, with its unbounded queue, a client sending sign-ins at fresh
 * addresses (each a free attempt, and a full hash) queued seconds of bcrypt before every other tenant's sign-in, and
 * before the other blocking work of the service (schema validation) as well. A check whose attempt is counted takes
 * its place before the count ({@link #withSlot}): a refusal is no attempt, and must not throttle a user following
 * {@code Retry-After}. The admin made at a start is hashed past the limit ({@link #hashAtStart}).
 *
 * <p>bcrypt reads no more than a password's first 72 bytes, while a password may have 1024 characters: two
 * passwords alike in those bytes were one. So bcrypt is given a digest of the whole password instead, an
 * HMAC-SHA256, base64-encoded: 44 bytes whatever the password, and no NUL, which would end bcrypt's input early.
 * An HMAC under a key of ours rather than a bare SHA-256, so that SHA-256 digests of passwords leaked elsewhere
 * cannot be tried against our hashes as they are ("password shucking"); the key is no secret, it only makes the
 * digests ours. Such hashes are marked {@value #PREHASHED}; those stored before (plain bcrypt, {@code $2b$...})
 * still verify, and a password sign-in replaces one (see {@link #outdated}).
 */
public final class PasswordHasher {

  private static final String PREHASHED = "hmac-sha256:";
  private static final byte[] PREHASH_KEY = "orgplane password".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  public static final String COST_SETTING = "ORGPLANE_PASSWORD_HASH_COST";
  /** bcrypt's least. */
  private static final int MIN_COST = 4;
  /** Each step up doubles a hash's time: 16 takes 64 times the default's (10). */
  private static final int MAX_COST = 16;
  public static final String QUEUE_SETTING = "ORGPLANE_PASSWORD_HASH_QUEUE";
  static final String POOL_NAME = "orgplane-password-hashing";
  static final int THREADS = Runtime.getRuntime().availableProcessors();

  private final BoundedWorkers workers;
  private final int cost;
  /** Checked in place of an unknown user's hash, made at {@link #cost}. */
  private final String dummyHash;

  private PasswordHasher(BoundedWorkers workers, int cost, String dummyHash) {
    this.workers = workers;
    this.cost = cost;
    this.dummyHash = dummyHash;
  }

  /**
   * Hashing at {@code cost} on {@link #THREADS} threads, with at most {@code queue} hashes waiting for one; ready once
   * its dummy hash is made. That one is made on Vert.x's worker pool: at a high cost it would block the event loop for
   * seconds, and the hashing threads, shared with the instances running, may all be busy with their sign-ins, which a
   * start that makes no admin does not wait for.
   */
  public static Future<PasswordHasher> started(Vertx vertx, int queue, int cost) {
    return vertx.executeBlocking(() -> hashNow("dummy", cost), false).map(dummy -> new PasswordHasher(
        new BoundedWorkers(vertx, POOL_NAME, THREADS, queue,
            "Too many passwords are being checked at the moment; retry in a second."), cost, dummy));
  }

  /** With the queue {@value #QUEUE_SETTING} allows and the cost {@value #COST_SETTING} sets. */
  public static Future<PasswordHasher> configured(Vertx vertx, Settings settings) {
    return started(vertx, queue(settings), cost(settings));
  }

  /** {@value #COST_SETTING}: bcrypt's cost, from 4 to 16. */
  public static int cost(Settings settings) {
    return settings.integer(COST_SETTING, MIN_COST, MAX_COST);
  }

  /** {@value #QUEUE_SETTING}: 0 or more hashes waiting for a thread (0: none waits, a busy thread refuses). */
  public static int queue(Settings settings) {
    return settings.integer(QUEUE_SETTING, 0, Integer.MAX_VALUE - THREADS);
  }

  public Future<String> hash(String password) {
    return withSlot(slot -> slot.run(() -> hashNow(password, cost)));
  }

  /**
   * Hashed whatever waits already, never refused: a start is no client to retry, and several instances starting at
   * once (more than the threads and the queue) would otherwise fail their start.
   */
  public Future<String> hashAtStart(String password) {
    return workers.unbounded(() -> hashNow(password, cost));
  }

  /**
   * Runs {@code work} holding a place among the hashes running or waiting, for the one hash it may make with
   * {@link Slot}; or fails 503 {@code busy} at once, without running it. The place is free again once that hash is
   * made, or once {@code work} ends without it.
   */
  <T> Future<T> withSlot(Function<Slot, Future<T>> work) {
    if (!workers.admit()) {
      return Future.failedFuture(workers.busy());
    }
    var slot = new Slot();
    Future<T> done;
    // a work that throws instead of failing its future must not keep the place for ever
    try {
      done = work.apply(slot);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(ended -> slot.free());
  }

  /** A place among the hashes, held for one hash ({@link #withSlot}). */
  final class Slot {

    private final AtomicBoolean held = new AtomicBoolean(true);

    /** True when {@code password} matches {@code hash}; a null hash (no such user) never matches. */
    Future<Boolean> matches(String password, String hash) {
      return run(() -> {
        var stored = hash == null ? dummyHash : hash;
        boolean ok = stored.startsWith(PREHASHED)
            ? OpenBSDBCrypt.checkPassword(stored.substring(PREHASHED.length()), prehashed(password))
            : OpenBSDBCrypt.checkPassword(stored, password.toCharArray());
        if (!ok) {
          padToSettingsCost(costOf(stored));
        }
        return ok && hash != null;
      });
    }

    /**
     * Hashes once at each cost from {@code checked} to one below the setting's: each step doubles a hash's time, so
     * these and the check at {@code checked} add up to the time of one check at the setting's cost, the time an
     * unknown address's check takes. Hashing rather than checking dummies, which takes as long and needs none kept.
     * A hash dearer than the setting (the setting lowered since) cannot be checked faster: until the account's next
     * sign-in, its wrong passwords take longer than an unknown address's.
     */
    private void padToSettingsCost(int checked) {
      for (int step = checked; step < cost; step++) {
        OpenBSDBCrypt.generate("2b", prehashed("padding"), salt(), step);
      }
    }

    private <T> Future<T> run(Callable<T> hashing) {
      return workers.unbounded(hashing).andThen(done -> free());
    }

    private void free() {
      if (held.compareAndSet(true, false)) {
        workers.release();
      }
    }
  }

  /**
   * Whether {@code hash} is to be hashed anew: bcrypt of the password itself, which is blind past its 72nd byte, or
   * made at another cost than {@value #COST_SETTING} sets now.
   */
  public boolean outdated(String hash) {
    return hash != null && (!hash.startsWith(PREHASHED) || costOf(hash) != cost);
  }

  /** The cost {@code hash} was made at, which bcrypt writes in it: {@code $2b$10$...}. */
  private static int costOf(String hash) {
    var bcrypt = hash.startsWith(PREHASHED) ? hash.substring(PREHASHED.length()) : hash;
    return Integer.parseInt(bcrypt.substring(4, 6));
  }

  /** What an unknown user's password is checked against. */
  String dummyHash() {
    return dummyHash;
  }

  private static String hashNow(String password, int cost) {
    return PREHASHED + OpenBSDBCrypt.generate("2b", prehashed(password), salt(), cost);
  }

  private static char[] prehashed(String password) {
    var mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(PREHASH_KEY));
    var utf8 = password.getBytes(StandardCharsets.UTF_8);
    mac.update(utf8, 0, utf8.length);
    var digest = new byte[mac.getMacSize()];
    mac.doFinal(digest, 0);
    return Base64.getEncoder().encodeToString(digest).toCharArray();
  }

  private static byte[] salt() {
    var salt = new byte[16];
    RANDOM.nextBytes(salt);
    return salt;
  }
}
