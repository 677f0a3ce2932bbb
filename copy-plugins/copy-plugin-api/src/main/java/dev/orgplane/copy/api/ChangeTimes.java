package dev.orgplane.copy.api;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Who changed a copy that differs from what its template object gives now, as the times org-service lists with an
 * object ({@code updatedAt}, its last write: for a member, of their roles; for a team, of itself or its member list)
 * tell. A copy last written when its template object had its last change already was written either by a run, which
 * made it what the template object gives now, or in the target: so if it differs, the difference is the tenant's.
 * Nothing here records what a run copied; a copy written by a run before the template object changed and by the
 * tenant since reads as the tenant's, which it is too.
 */
public final class ChangeTimes {

  private static final String UPDATED_AT = "updatedAt";

  private ChangeTimes() {
  }

  /**
   * Whether {@code copy}, as listed in the target, was last written at or after {@code template}'s last change, as
   * listed in the template organization. False when either lists no time: then it cannot tell.
   */
  public static boolean writtenSinceTemplateChanged(JsonObject copy, JsonObject template) {
    var copied = copy.getString(UPDATED_AT);
    var changed = template.getString(UPDATED_AT);
    return copied != null && changed != null && !Instant.parse(copied).isBefore(Instant.parse(changed));
  }
}
