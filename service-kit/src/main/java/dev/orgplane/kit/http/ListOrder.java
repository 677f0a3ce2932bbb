package dev.orgplane.kit.http;

import io.vertx.core.MultiMap;
import java.util.function.Function;

/**
 * A list's order ({@code order}), for the lists of named objects: by {@code name}, the default, or by {@code id}. A
 * name can change while a client pages through the list, and a rename moves its object past the cursor (never seen)
 * or back in front of it (seen twice); an id never changes, so a client that must see every object exactly once
 * pages by id: the engine selecting a rollout's tenants (the organization list), and copying a template's roles and
 * teams (their lists).
 */
public enum ListOrder {
  NAME, ID;

  public static final String PARAMETER = "order";

  /** The order asked for; 400 {@code invalid_order} for any but {@code name} and {@code id}. */
  public static ListOrder read(MultiMap query) {
    var value = query.get(PARAMETER);
    if (value == null || value.equals("name")) {
      return NAME;
    }
    if (value.equals("id")) {
      return ID;
    }
    throw ApiException.badRequest("invalid_order", "order is name or id.");
  }

  /** Where the page starts, as the list's statement compares it with its sort key. */
  public Object after(PageRequest page) {
    return this == NAME ? page.afterName() : page.afterId();
  }

  /** The sort key of a listed object, which the next page's cursor holds: its {@code name}, or its {@code id}. */
  public <T> Function<T, String> sortKey(Function<T, String> name, Function<T, ?> id) {
    return this == NAME ? PageRequest.byName(name) : object -> id.apply(object).toString();
  }
}
