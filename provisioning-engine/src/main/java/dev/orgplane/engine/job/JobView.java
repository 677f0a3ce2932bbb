package dev.orgplane.engine.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
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

  /**
   * Its fields in the order of its components, as {@link JsonObject#mapFrom} gave them, without the round trip through
   * Jackson's tokens that a read of a job, and every job of a list's page, paid. The objects and lists are copies, as
   * mapFrom's were: the JSON a caller changes is not the job's.
   */
  JsonObject toJson() {
    var stepsJson = new JsonArray(new ArrayList<>(steps.size()));
    steps.forEach(step -> stepsJson.add(step.toJson()));
    return new JsonObject().put("id", id).put("status", status).put("templateOrganization", templateOrganization)
        .put("targetOrganization", targetOrganization).put("target", copy(target))
        .put("owner", owner == null ? null : owner.toJson()).put("groupId", groupId).put("batchId", batchId)
        .put("dryRun", dryRun).put("plugins", plugins == null ? null : new JsonArray(new ArrayList<>(plugins)))
        .put("options", copy(options)).put("cancelRequested", cancelRequested).put("steps", stepsJson)
        .put("error", copy(error)).put("attempts", attempts).put("requestedBy", requestedBy).put("queuedBy", queuedBy)
        .put("createdAt", createdAt).put("startedAt", startedAt).put("finishedAt", finishedAt)
        .put("updatedAt", updatedAt);
  }

  private static JsonObject copy(JsonObject json) {
    return json == null ? null : json.copy();
  }

  /** The owner the request named for the new organization, and what inviting them came to (null: not yet). */
  public record OwnerView(String email, String invitation) {

    JsonObject toJson() {
      return new JsonObject().put("email", email).put("invitation", invitation);
    }
  }

  /** A plugin's part: planned = created + updated + unchanged, copied = created + updated. */
  public record StepView(String plugin, String status, long planned, long created, long updated, long copied,
      long unchanged, long failed) {

    JsonObject toJson() {
      return new JsonObject().put("plugin", plugin).put("status", status).put("planned", planned)
          .put("created", created).put("updated", updated).put("copied", copied).put("unchanged", unchanged)
          .put("failed", failed);
    }
  }
}
