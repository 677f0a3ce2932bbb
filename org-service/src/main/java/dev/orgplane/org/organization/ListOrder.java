package dev.orgplane.org.organization;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.MultiMap;

/**
 * The organization list's order ({@code order}): by {@code name}, the default, or by {@code id}. A name can change
 * while a client pages through the list, and a rename moves its organization past the cursor (never seen) or
 * back in front of it (seen twice); an id never changes, so a client that must see every organization exactly once,
 * the engine selecting a rollout's tenants say, pages by id.
 */
enum ListOrder {
  NAME, ID;

  static final String PARAMETER = "order";

  /** The order asked for; 400 {@code invalid_order} for any but {@code name} and {@code id}. */
  static ListOrder read(MultiMap query) {
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
  Object after(PageRequest page) {
    return this == NAME ? page.afterName() : page.afterId();
  }

  /** The sort key of {@code organization}, which the next page's cursor holds. */
  String sortKey(Organization organization) {
    return this == NAME ? organization.name() : organization.id().toString();
  }
}
