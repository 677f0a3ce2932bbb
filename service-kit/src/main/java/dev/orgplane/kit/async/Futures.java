package dev.orgplane.kit.async;

import io.vertx.core.Future;
import java.util.List;

/** Combinations of futures that {@link Future#all} does not offer. */
public final class Futures {

  private Futures() {
  }

  /**
   * The results of {@code futures}, all run at once; when several fail, the failure is the first one's
   * in list order, not whichever came first, so a request with several faults is always answered the same.
   */
  public static <T> Future<List<T>> allInOrder(List<Future<T>> futures) {
    return Future.join(futures).transform(done -> futures.stream().filter(Future::failed).findFirst()
        .<Future<List<T>>>map(failed -> Future.failedFuture(failed.cause()))
        .orElseGet(() -> Future.succeededFuture(futures.stream().map(Future::result).toList())));
  }
}
