package dev.orgplane.org.provisioner;

import dev.orgplane.copy.api.Existing;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * What a batch import does to each of its items, decided from what is stored before it writes anything: create it,
 * replace it, or leave it as it is. {@code results} follow {@code items}.
 */
public record ImportPlan<T>(List<T> items, List<ImportResult> results) {

  /** {@link #of(List, Predicate, Predicate)}, where {@link Existing#KEEP} leaves every item that exists unchanged. */
  public static <T> ImportPlan<T> of(List<T> items, Predicate<T> exists, Predicate<T> unchanged, Existing existing) {
    return of(items, exists, existing == Existing.KEEP ? item -> true : unchanged);
  }

  public static <T> ImportPlan<T> of(List<T> items, Predicate<T> exists, Predicate<T> unchanged) {
    return new ImportPlan<>(items, items.stream().map(item -> !exists.test(item) ? ImportResult.CREATED
        : unchanged.test(item) ? ImportResult.UNCHANGED : ImportResult.UPDATED).toList());
  }

  /** The items to create, in batch order. */
  public List<T> created() {
    return having(ImportResult.CREATED);
  }

  /** The items whose objects exist and change, in batch order. */
  public List<T> replaced() {
    return having(ImportResult.UPDATED);
  }

  /**
   * The names the items take, for {@link WantedNames}: {@code current} answers an item's stored name ({@code null}
   * for a new one), {@code wanted} the name it is written with; an item left as it is keeps the name it has.
   */
  public List<WantedNames.Claim> claims(Function<T, UUID> id, Function<T, String> current,
      Function<T, String> wanted) {
    return IntStream.range(0, items.size()).mapToObj(i -> {
      var item = items.get(i);
      var stored = current.apply(item);
      return new WantedNames.Claim(id.apply(item), stored,
          results.get(i) == ImportResult.UNCHANGED ? stored : wanted.apply(item));
    }).toList();
  }

  public JsonObject summary() {
    return ImportResult.summary(results);
  }

  private List<T> having(ImportResult result) {
    return IntStream.range(0, items.size()).filter(i -> results.get(i) == result).mapToObj(items::get).toList();
  }
}
