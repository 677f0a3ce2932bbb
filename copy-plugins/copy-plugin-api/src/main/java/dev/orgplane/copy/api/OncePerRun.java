package dev.orgplane.copy.api;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the plugins of one run compute once ({@link CopyContext#once}), for a context to keep for as long as the run
 * lasts. Pages run side by side, so the first call computes and the calls meanwhile share its future. A failure is
 * dropped at once: a page retried after it computes again instead of failing the same way.
 */
public final class OncePerRun {

  private final ConcurrentHashMap<String, Future<?>> computed = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  public <T> Future<T> get(String key, Supplier<Future<T>> compute) {
    var future = (Future<T>) computed.computeIfAbsent(key, k -> compute.get());
    // removed outside computeIfAbsent: a future failed already would remove its key while it is being added
    return future.onFailure(failure -> computed.remove(key, future));
  }
}
