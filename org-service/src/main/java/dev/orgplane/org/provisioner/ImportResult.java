package dev.orgplane.org.provisioner;

import dev.orgplane.kit.http.Replies;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;

/**
 * What an import-style {@code PUT} (an object with a caller-chosen id) did. The engine re-runs
 * imports after a failure, so it needs to tell a copy it just made from one that was already there.
 */
public enum ImportResult {
  CREATED, UPDATED, UNCHANGED;

  public static final String HEADER = "Orgplane-Import-Result";

  /**
   * 201 for a new object, at {@code location}, 200 for an existing one, and the header naming which of the three. The
   * request's path is no Location: it may end in {@code /} or name the organization by its name.
   */
  public void reply(RoutingContext ctx, String location, JsonObject body) {
    ctx.response().putHeader(HEADER, name().toLowerCase(Locale.ROOT));
    if (this == CREATED) {
      Replies.created(ctx, location, body);
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

  public boolean changed() {
    return this != UNCHANGED;
  }
}
