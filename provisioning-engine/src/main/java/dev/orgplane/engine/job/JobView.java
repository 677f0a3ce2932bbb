package dev.orgplane.engine.job;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A job as the API shows it: organizations named as the request named them, ids and instants as
 * text, and per step the counts a caller wants (planned and copied) next to the stored ones. The
 * lease and cursors stay inside the engine.
 */
public record JobView(String id, String status, String templateOrganization, String targetOrganization,
    JsonObject target, OwnerView owner, String groupId, String batchId, boolean dryRun, List<String> plugins,
    JsonObject options, boolean cancelRequested, List<StepView> steps, JsonObject error, int attempts,
    String requestedBy, String queuedBy, String createdAt, String startedAt, String finishedAt, String updatedAt) {

  /** The owner the request named for the new organization, and what inviting them came to (null: not yet). */
  public record OwnerView(String email, String invitation) {
  }

  /** A plugin's part: planned = created + updated + unchanged, copied = created + updated. */
  public record StepView(String plugin, String status, long planned, long created, long updated, long copied,
      long unchanged, long failed) {
  }
}
