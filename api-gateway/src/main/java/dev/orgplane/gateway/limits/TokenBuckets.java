package dev.orgplane.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per key (a client address or a token's subject): {@code ratePerSecond} tokens
 * flow in, at most {@code burst} are kept. Idle buckets are full buckets, so forgetting them loses
 * nothing; {@link #forgetIdle()} keeps the map from growing with every address ever seen.
 */
public final class TokenBuckets {

  private final double ratePerSecond;
  private final double burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TokenBuckets(double ratePerSecond, double burst) {
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
  }

  /** Takes one token; answers 0 when allowed, else the whole seconds to wait before a retry. */
  public long take(String key) {
    return buckets.computeIfAbsent(key, k -> new Bucket(burst, System.nanoTime())).take(ratePerSecond, burst);
  }

  public void forgetIdle() {
    long now = System.nanoTime();
    buckets.values().removeIf(b -> b.isFullAt(now, ratePerSecond, burst));
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

    synchronized boolean isFullAt(long now, double rate, double burst) {
      return tokens + (now - updatedAt) / 1e9 * rate >= burst;
    }
  }
}
