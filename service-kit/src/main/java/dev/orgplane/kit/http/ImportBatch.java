package dev.orgplane.kit.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The body of an import batch, {@code {items:[{id, ...}, ...]}}: 1 to {@value #MAX} objects, each with
 * its own id (a UUID, once per batch). Items are read by the kind's own reader; every problem of every
 * item is reported at once, named {@code items[i].field}, and nothing is written if there is one.
 */
public final class ImportBatch {

  public static final int MAX = 500;

  /** One valid item: its id, and what the kind's reader made of the rest. */
  public record Item<T>(UUID id, T value) {
  }

  private ImportBatch() {
  }

  /** Reads every item with {@code reader} (which throws {@link ApiException} on bad input). */
  public static <T> List<Item<T>> read(RoutingContext ctx, BiFunction<UUID, JsonObject, T> reader) {
    return read(ctx, Set.of(), reader);
  }

  /**
   * {@link #read(RoutingContext, BiFunction)} of a batch whose body may hold {@code options} beside its items (the
   * caller reads them).
   */
  public static <T> List<Item<T>> read(RoutingContext ctx, Set<String> options,
      BiFunction<UUID, JsonObject, T> reader) {
    var seen = new HashSet<UUID>();
    return readItems(items(ctx, options), object -> {
      var id = object.getValue("id") instanceof String raw ? Ids.orNull(raw) : null;
      if (id == null) {
        throw ApiException.invalid("The item is invalid.", List.of(new ApiException.FieldError("id", "must be a UUID")));
      }
      var errors = new ArrayList<ApiException.FieldError>();
      if (!seen.add(id)) {
        errors.add(new ApiException.FieldError("id", "appears twice in this batch"));
      }
      var rest = object.copy();
      rest.remove("id");
      T read = null;
      try {
        read = reader.apply(id, rest);
      } catch (ApiException e) {
        errors.addAll(e.errors());
      }
      if (!errors.isEmpty()) {
        throw ApiException.invalid("The item is invalid.", errors);
      }
      return new Item<>(id, read);
    });
  }

  /**
   * The items of a batch whose items have no ids of their own, each read by {@code reader} (which throws {@link
   * ApiException} on bad input), in order; every problem of every item is reported at once, as {@link #read} does.
   */
  public static <T> List<T> readEach(RoutingContext ctx, Function<JsonObject, T> reader) {
    return readItems(items(ctx, Set.of()), reader);
  }

  /**
   * Each object of {@code array} read by {@code reader}; the problems of every item, each field named within its item
   * ({@code items[i].field}), are reported together, and nothing is read if there is one.
   */
  private static <T> List<T> readItems(JsonArray array, Function<JsonObject, T> reader) {
    var errors = new ArrayList<ApiException.FieldError>();
    var items = new ArrayList<T>();
    for (int i = 0; i < array.size(); i++) {
      var prefix = "items[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject object)) {
        errors.add(new ApiException.FieldError(prefix, "must be an object"));
        continue;
      }
      try {
        items.add(reader.apply(object));
      } catch (ApiException e) {
        e.errors().forEach(error -> errors.add(new ApiException.FieldError(prefix + "." + error.field(), error.message())));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid("The batch is invalid; nothing was written.", errors);
    }
    return items;
  }

  private static JsonArray items(RoutingContext ctx, Set<String> options) {
    var body = RequestBody.object(ctx);
    // a batch written whole despite a field it does not know ({items, dryRun: true}) would surprise its caller
    var fields = new HashSet<>(options);
    fields.add("items");
    RequestBody.of(body, fields).validate();
    var items = body.getValue("items");
    if (!(items instanceof JsonArray array) || array.isEmpty() || array.size() > MAX) {
      throw ApiException.invalid("A batch is {items:[...]} with 1 to " + MAX + " objects.",
          List.of(new ApiException.FieldError("items", "must be an array of 1 to " + MAX + " objects")));
    }
    return array;
  }
}
