package dev.orgplane.kit.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One owner's hold on a gauge that several owners in the process report together (the instances of a verticle, one
 * per event loop, each counting the same thing, such as an outbox's backlog in the database): the first hold
 * registers it, the last release removes it. A registry hands every later registration of a name and tags the first
 * gauge, so owners registering and removing their own reported through the first one's count and lost the gauge
 * when that one stopped, for all of them.
 */
public final class HeldGauge {

  private static final Map<List<Object>, Shared> SHARED = new HashMap<>();

  private final List<Object> key;
  private final Shared shared;
  private boolean released;

  private HeldGauge(List<Object> key, Shared shared) {
    this.key = key;
    this.shared = shared;
  }

  /** A hold on gauge {@code name}{tag=value} of {@code registry}, registered if no one holds it yet. */
  public static HeldGauge hold(MeterRegistry registry, String name, String description, String tag, String value) {
    var key = List.<Object>of(registry, name, tag, value);
    synchronized (SHARED) {
      var shared = SHARED.computeIfAbsent(key, absent -> {
        var count = new AtomicLong();
        return new Shared(registry, count,
            Gauge.builder(name, count, AtomicLong::get).description(description).tag(tag, value).register(registry));
      });
      shared.holders++;
      return new HeldGauge(key, shared);
    }
  }

  /** What the gauge reads, set by any of its holders. */
  public AtomicLong count() {
    return shared.count;
  }

  /** Lets go of the gauge; again, nothing: the last holder's release removes it from its registry. */
  public void release() {
    synchronized (SHARED) {
      if (released) {
        return;
      }
      released = true;
      if (--shared.holders == 0) {
        SHARED.remove(key);
        shared.registry.remove(shared.gauge);
      }
    }
  }

  private static final class Shared {
    private final MeterRegistry registry;
    private final AtomicLong count;
    private final Gauge gauge;
    private int holders;

    private Shared(MeterRegistry registry, AtomicLong count, Gauge gauge) {
      this.registry = registry;
      this.count = count;
      this.gauge = gauge;
    }
  }
}
