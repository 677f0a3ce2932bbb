package dev.orgplane.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {

  /** A flood of new keys (addresses, subjects) faster than the minute between idle sweeps. */
  @Test
  void theKeysAreBoundedAndTheLimitedClientKeepsItsEmptyBucket() {
    var buckets = new TokenBuckets(0.01, 2, 100);
    for (int i = 0; i < 2; i++) {
      assertEquals(0, buckets.take("victim"));
    }
    for (int i = 0; i < 10_000; i++) {
      buckets.take("flood-" + i);
      assertTrue(buckets.size() <= 100, "never more than the bound: " + buckets.size());
      if (i % 50 == 0) {
        assertTrue(buckets.take("victim") > 0, "a key in use stays: still limited after " + i + " new keys");
      }
    }
  }
}
