package dev.orgplane.gateway.limits;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key (a client's network or a token's subject): {@code ratePerSecond} tokens
 * flow in, at most {@code burst} are kept. Idle buckets are full buckets, so forgetting them loses
 * nothing; {@link #forgetIdle()} keeps the map from growing with every key ever seen. At most {@code maxKeys}
 * are kept even so (a flood of new keys comes faster than a minute): a new key finding them all taken first
 * drops the idle ones, then the quarter least recently used, the buckets nearest to full again. Thread-safe:
 * the gateway's event loops share one set per limit ({@link #shared}).
 */
public final class TokenBuckets implements Shareable {

  /** About 100 bytes a key: 10 MB at most per limit. */
  static final int MAX_KEYS = 100_000;
  private static final String SHARED_MAP = "orgplane.gateway.rate-limits";

  private final double ratePerSecond;
  private final double burst;
  private final int maxKeys;
  private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();

  TokenBuckets(double ratePerSecond, double burst, int maxKeys) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.maxKeys = maxKeys;
  }

  /**
   * The buckets named {@code name} of the deployment running this code, made on first use: every instance
   * of a deployment (one per event loop) counts into the same buckets, or a client spreading its
   * connections over the event loops would get the limit once per loop.
   */
  public static TokenBuckets shared(Vertx vertx, String name, double ratePerSecond, double burst) {
    return vertx.sharedData().<String, TokenBuckets>getLocalMap(SHARED_MAP)
        .computeIfAbsent(key(vertx, name), k -> new TokenBuckets(ratePerSecond, burst, MAX_KEYS));
  }

  /** Forgets the deployment's buckets (its instances stop together; the first to stop drops them). */
  public static void release(Vertx vertx, String name) {
    vertx.sharedData().<String, TokenBuckets>getLocalMap(SHARED_MAP).remove(key(vertx, name));
  }

  private static String key(Vertx vertx, String name) {
    return vertx.getOrCreateContext().deploymentID() + " " + name;
  }

  /** Takes one token; answers 0 when allowed, else the whole seconds to wait before a retry. */
  public long take(Object key) {
    var bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= maxKeys) {
        makeRoom();
      }
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, System.nanoTime()));
    }
    return bucket.take(ratePerSecond, burst);
  }

  /**
   * Gives back the token {@link #take} took for {@code key}: the request it was taken for is counted by another
   * check after all (a read the gateway began to serve below its router and handed to it).
   */
  public void giveBack(Object key) {
    var bucket = buckets.get(key);
    if (bucket != null) {
      bucket.giveBack(burst);
    }
  }

  public void forgetIdle() {
    long now = System.nanoTime();
    buckets.values().removeIf(b -> b.isFullAt(now, ratePerSecond, burst));
  }

  /**
   * Drops the idle buckets and, if that is not enough, the quarter least recently used: a pass over every key, so
   * made for a quarter of the keys at a time, not for each new one.
   */
  private synchronized void makeRoom() {
    if (buckets.size() < maxKeys) {
      return;
    }
    forgetIdle();
    if (buckets.size() < maxKeys * 3 / 4) {
      return;
    }
    var used = buckets.values().stream().mapToLong(Bucket::updatedAt).sorted().toArray();
    long latestDropped = used[(used.length - 1) / 4];
    buckets.values().removeIf(b -> b.updatedAt() <= latestDropped);
  }

  int size() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long updatedAt;

    Bucket(double tokens, long updatedAt) {
      this.tokens = tokens;
      this.updatedAt = updatedAt;
    }

    synchronized long take(double rate, double burst) {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - updatedAt) / 1e9 * rate);
      updatedAt = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
    }

    synchronized void giveBack(double burst) {
      tokens = Math.min(burst, tokens + 1);
    }

    synchronized long updatedAt() {
      return updatedAt;
    }

    synchronized boolean isFullAt(long now, double rate, double burst) {
      return tokens + (now - updatedAt) / 1e9 * rate >= burst;
    }
  }
}
