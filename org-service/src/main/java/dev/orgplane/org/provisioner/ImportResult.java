package dev.orgplane.org.provisioner;

import dev.orgplane.kit.http.Replies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.Locale;

/**
 * What an import-style {@code PUT} (an object with a caller-chosen id) did. The engine re-runs
 * imports after a failure, so it needs to tell a copy it just made from one that was already there.
 */
public enum ImportResult {
  CREATED, UPDATED, UNCHANGED;

  public static final String HEADER = "Orgplane-Import-Result";

  /** 201 for a new object, 200 for an existing one, and the header naming which of the three. */
  public void reply(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HEADER, name().toLowerCase(Locale.ROOT));
    if (this == CREATED) {
      Replies.created(ctx, ctx.request().path(), body);
    } else {
      Replies.json(ctx, 200, body);
    }
  }

  /** A batch's answer: {@code {count, created, updated, unchanged}}. */
  public static JsonObject summary(List<ImportResult> results) {
    return summary(count(results, CREATED), count(results, UPDATED), count(results, UNCHANGED));
  }

  /** The same answer from counts, for imports that count in SQL. */
  public static JsonObject summary(long created, long updated, long unchanged) {
    return new JsonObject().put("count", created + updated + unchanged).put("created", created)
        .put("updated", updated).put("unchanged", unchanged);
  }

  private static long count(List<ImportResult> results, ImportResult wanted) {
    return results.stream().filter(wanted::equals).count();
  }

  /**
   * Imports {@code items} one after the other (a batch may rename one object to a name another item
   * gives up, so order matters) and answers what each did.
   */
  public static <T> Future<List<ImportResult>> inOrder(List<T> items, Function<T, Future<ImportResult>> importer) {
    Future<List<ImportResult>> done = Future.succeededFuture(new ArrayList<>());
    for (var item : items) {
      done = done.compose(results -> importer.apply(item).map(result -> {
        results.add(result);
        return results;
      }));
    }
    return done;
  }

  /**
   * A batch import in two steps: the items whose objects exist already ({@code exists}) are imported one
   * by one, in the batch's order, by {@code replace}; then the new ones all at once, by {@code createAll}.
   * Replacing first lets a replaced object give up a name a new one takes (a new one never gives one up).
   * Answers the batch's summary.
   */
  public static <T> Future<JsonObject> existingThenNew(List<T> items, Predicate<T> exists,
      Function<T, Future<ImportResult>> replace, Function<List<T>, Future<Void>> createAll) {
    var fresh = items.stream().filter(exists.negate()).toList();
    return inOrder(items.stream().filter(exists).toList(), replace)
        .compose(results -> createAll.apply(fresh).map(created -> {
          results.addAll(Collections.nCopies(fresh.size(), CREATED));
          return summary(results);
        }));
  }

  public boolean changed() {
    return this != UNCHANGED;
  }
}
