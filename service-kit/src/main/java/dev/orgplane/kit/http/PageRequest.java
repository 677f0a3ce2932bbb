package dev.orgplane.kit.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code ?limit=&cursor=} of a list endpoint. The cursor is opaque to clients: the sort key of the
 * last item they saw (a name marked as one, {@link #byName}), base64url-encoded, so pages stay stable
 * while rows are inserted (keyset pagination, no OFFSET).
 */
public record PageRequest(int limit, String after) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  /** The smallest UUID: every id sorts after it. */
  public static final UUID FIRST_ID = new UUID(0, 0);
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  /** What the sort key of a name-sorted list's cursor starts with. */
  private static final String NAME_KEY = "name:";
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[1-9][0-9]{0,8}");

  public static PageRequest of(RoutingContext ctx) {
    return of(ctx, MAX_LIMIT);
  }

  /** {@link #of(RoutingContext)} for an endpoint whose pages may hold up to {@code maxLimit} items. */
  public static PageRequest of(RoutingContext ctx, int maxLimit) {
    var cursor = ctx.queryParams().get("cursor");
    return new PageRequest(limit(ctx.queryParams().get("limit"), maxLimit),
        cursor == null || cursor.isEmpty() ? null : sortKey(cursor));
  }

  /**
   * The page size {@code given}, in plain digits (400 {@code invalid_limit} otherwise); {@link #DEFAULT_LIMIT} if
   * none. Until session 34 it was read as Java reads an int, so {@code +5}, {@code 05} and an Arabic-Indic five
   * passed for 5.
   */
  static int limit(String given, int maxLimit) {
    if (given == null) {
      return DEFAULT_LIMIT;
    }
    // nine digits at most, so that every one that passes is an int
    int limit = PLAIN_NUMBER.matcher(given).matches() ? Integer.parseInt(given) : 0;
    if (limit < 1 || limit > maxLimit) {
      throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + maxLimit
          + ", in plain digits (no sign, no leading zero).");
    }
    return limit;
  }

  /**
   * The sort key a cursor names, if it is one {@link #nextCursor} could have written: base64url without padding of
   * UTF-8 text without control characters. A name-sorted list takes any text as a name, so until session 19 a
   * cursor decoded leniently (bytes that are no UTF-8 replaced, padding or stray bits ignored) answered an empty
   * page rather than 400, and a NUL reached PostgreSQL.
   */
  private static String sortKey(String cursor) {
    byte[] bytes;
    String key;
    try {
      bytes = Base64.getUrlDecoder().decode(cursor);
      key = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw invalidCursor();
    }
    if (!ENCODER.encodeToString(bytes).equals(cursor) || key.chars().anyMatch(Character::isISOControl)) {
      throw invalidCursor();
    }
    return key;
  }

  /**
   * The cursor of a list sorted by id, or the nil UUID (the smallest) on the first page. Lists ask for
   * {@code id > $n} whatever the page, never {@code ($n IS NULL OR id > $n)}: that form is no index
   * condition, and a cached generic plan built on stale statistics then sorted every row of the
   * organization for each page (a first page of 20 workspaces cost 3 ms among 4,000).
   */
  public UUID afterId() {
    return after(FIRST_ID, Ids::parse);
  }

  private <T> T after(T whenAbsent, Function<String, T> parse) {
    if (after == null) {
      return whenAbsent;
    }
    try {
      return parse.apply(after);
    } catch (IllegalArgumentException e) {
      throw invalidCursor();
    }
  }

  /**
   * 400 {@code invalid_cursor}: what a list answers for a cursor that names no key of its order. An id-sorted list
   * cannot tell its own from any other id ({@link #afterId}), and pages on from after it, within its scope.
   */
  public static ApiException invalidCursor() {
    return ApiException.badRequest("invalid_cursor", "The cursor is not one this API returned.");
  }

  /**
   * The cursor of a list sorted by name, or the empty string (before every name) on the first page; 400
   * {@code invalid_cursor} for one no name-sorted list wrote ({@link #byName}). Any text is a name, so until session
   * 33 these lists took any cursor, another list's id or a client's own, and started wherever it sorted.
   */
  public String afterName() {
    if (after == null) {
      return "";
    }
    if (!after.startsWith(NAME_KEY)) {
      throw invalidCursor();
    }
    return after.substring(NAME_KEY.length());
  }

  /** The sort key a list sorted by {@code name} writes into its cursors, marked as a name for {@link #afterName}. */
  public static <T> Function<T, String> byName(Function<T, String> name) {
    return item -> NAME_KEY + name.apply(item);
  }

  /** Asks the database for one row more than the page, to know whether another page follows. */
  public int fetchSize() {
    return limit + 1;
  }

  /** The {@code {items, nextCursor}} answer from up to {@link #fetchSize()} rows. */
  public <T> JsonObject page(List<T> rows, Function<T, JsonObject> toJson, Function<T, String> sortKey) {
    var items = new JsonArray();
    rows.stream().limit(limit).forEach(r -> items.add(toJson.apply(r)));
    return new JsonObject().put("items", items).put("nextCursor", nextCursor(rows, sortKey));
  }

  /** The cursor of the page after this one, given up to {@link #fetchSize()} rows; {@code null} after the last. */
  public <T> String nextCursor(List<T> rows, Function<T, String> sortKey) {
    if (rows.size() <= limit) {
      return null;
    }
    return ENCODER.encodeToString(sortKey.apply(rows.get(limit - 1)).getBytes(StandardCharsets.UTF_8));
  }
}
