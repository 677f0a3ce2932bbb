package dev.orgplane.org.provisioner;

import io.vertx.core.Future;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * How a batch import writes the objects it replaces, when names are unique per organization and the constraint is
 * checked row by row (it is not deferrable): together, in one statement, except the renames that take a name another
 * rename of the batch gives up, or give up a name another takes. Those depend on their order, so they are written one
 * by one in the batch's order, as every item once was: a name is free for an item only if an earlier one gave it up,
 * and a swap fails. The others cannot meet a name in flux, so their order changes nothing.
 */
public final class RenameOrder {

  private RenameOrder() {
  }

  /**
   * Writes {@code replaced} (in batch order), each renamed from {@code from} to {@code to}: those free of the
   * batch's other renames by {@code together}, then the rest by {@code alone}, one after the other.
   */
  public static <T> Future<Void> write(List<T> replaced, Function<T, String> from, Function<T, String> to,
      Function<List<T>, Future<?>> together, Function<T, Future<?>> alone) {
    Predicate<T> renamed = item -> !from.apply(item).equals(to.apply(item));
    var givenUp = new HashSet<String>();
    var taken = new HashSet<String>();
    replaced.stream().filter(renamed).forEach(item -> {
      givenUp.add(from.apply(item));
      taken.add(to.apply(item));
    });
    var byOrder = replaced.stream().collect(Collectors.partitioningBy(
        renamed.and(item -> givenUp.contains(to.apply(item)) || taken.contains(from.apply(item)))));
    Future<?> done = together.apply(byOrder.get(false));
    for (var item : byOrder.get(true)) {
      done = done.compose(v -> alone.apply(item));
    }
    return done.mapEmpty();
  }
}
