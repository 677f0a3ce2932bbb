package dev.orgplane.engine.job;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The query string of a list of jobs or batches: a page ({@code limit}, {@code cursor}), its {@code order}
 * ({@code oldest} first, the default, or {@code newest}) and the filters that list takes, each given at most once.
 * The list's route declares which filters it takes ({@link #parameters}), and refuses any other parameter before
 * this reads the query; a filter it does not take is therefore never given here.
 *
 * <p>Ids are time-ordered, so id order is creation order, and one cursor, the last id seen, pages either way:
 * {@code after} is where the page starts, its rows after it in the list's order. The id alone is the sort key, never
 * the creation time: ids are unique, so rows of one millisecond (created by one statement, with one
 * {@code created_at}) keep one order page after page.
 */
public record ListQuery(PageRequest page, boolean newestFirst, UUID after, String status, UUID template, UUID target,
    UUID batch) {

  /** Filters: a status of {@link Job#STATUSES}, and the ids of a template, a target and a batch. */
  public static final String STATUS = "status";
  public static final String TEMPLATE = "template";
  public static final String TARGET = "target";
  public static final String BATCH = "batch";

  /** The largest UUID: every id sorts before it, as every one sorts after {@link PageRequest#FIRST_ID}. */
  private static final UUID LAST_ID = new UUID(-1, -1);

  /** What a list that takes {@code filters} (of those above) reads: its page, its order and those. */
  public static QueryParameters parameters(String... filters) {
    return QueryParameters.list(Stream.concat(Stream.of("order"), Stream.of(filters)).toArray(String[]::new));
  }

  /** Reads the query string of a list whose route declared its {@link #parameters}. */
  public static ListQuery of(RoutingContext ctx) {
    var params = ctx.queryParams();
    var page = PageRequest.of(ctx);
    var newestFirst = newestFirst(params.get("order"));
    return new ListQuery(page, newestFirst, after(page, newestFirst), status(params.get(STATUS)),
        id(params.get(TEMPLATE), TEMPLATE), id(params.get(TARGET), TARGET), id(params.get(BATCH), BATCH));
  }

  private static boolean newestFirst(String order) {
    if (order == null || order.equals("oldest")) {
      return false;
    }
    if (order.equals("newest")) {
      return true;
    }
    throw ApiException.badRequest("invalid_order", "order is newest or oldest.");
  }

  private static String status(String status) {
    if (status != null && !Job.STATUSES.contains(status)) {
      throw ApiException.badRequest("invalid_status", "status is one of " + String.join(", ", Job.STATUSES) + ".");
    }
    return status;
  }

  /** A filter's id; strictly a UUID's shape, as {@link UUID#fromString} also takes "1-1-1-1-1". */
  private static UUID id(String value, String name) {
    if (value == null) {
      return null;
    }
    if (!EmbeddedIds.isUuid(value)) {
      throw ApiException.badRequest("invalid_filter", name + " must be an id (a UUID).");
    }
    return UUID.fromString(value);
  }

  /** Where the page starts: after the cursor's id in this order, or at the first id of the order. */
  private static UUID after(PageRequest page, boolean newestFirst) {
    return page.after() != null ? page.afterId() : newestFirst ? LAST_ID : PageRequest.FIRST_ID;
  }
}
