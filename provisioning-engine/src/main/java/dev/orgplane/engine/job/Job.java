package dev.orgplane.engine.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** A provisioning job as stored, with its steps in run order. */
public record Job(UUID id, UUID batchId, UUID requestedBy, UUID templateOrg, UUID groupId, UUID targetOrg,
    JsonObject target, List<String> plugins, JsonObject options, boolean dryRun, String status,
    boolean cancelRequested, JsonObject error, int attempts, OffsetDateTime createdAt, OffsetDateTime startedAt,
    OffsetDateTime finishedAt, OffsetDateTime updatedAt, List<Step> steps) {

  /** Every status a job can have, in the order of its life. */
  public static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed", "cancelled");
  /** The last three: a job in one of them has ended. */
  private static final List<String> TERMINAL = STATUSES.subList(2, STATUSES.size());

  static final Function<Row, Job> MAPPER = row -> new Job(row.getUUID("id"), row.getUUID("batch_id"),
      row.getUUID("requested_by"), row.getUUID("template_org"), row.getUUID("group_id"), row.getUUID("target_org"),
      (JsonObject) row.getValue("target"), List.of(row.getArrayOfStrings("plugins")),
      (JsonObject) row.getValue("options"), row.getBoolean("dry_run"), row.getString("status"),
      row.getBoolean("cancel_requested"), (JsonObject) row.getValue("error"), row.getInteger("attempts"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"),
      row.getOffsetDateTime("updated_at"), List.of());

  /** A plugin's part of a job: where it stands and what it did. */
  public record Step(int position, String plugin, String status, String cursor, long created, long updated,
      long unchanged, long failed) {

    static final Function<Row, Step> MAPPER = row -> new Step(row.getInteger("position"), row.getString("plugin"),
        row.getString("status"), row.getString("cursor"), row.getLong("created"), row.getLong("updated"),
        row.getLong("unchanged"), row.getLong("failed"));

    JsonObject toJson() {
      return new JsonObject().put("plugin", plugin).put("status", status).put("planned", created + updated + unchanged)
          .put("created", created).put("updated", updated).put("copied", created + updated)
          .put("unchanged", unchanged).put("failed", failed);
    }
  }

  Job withSteps(List<Step> steps) {
    return new Job(id, batchId, requestedBy, templateOrg, groupId, targetOrg, target, plugins, options, dryRun, status,
        cancelRequested, error, attempts, createdAt, startedAt, finishedAt, updatedAt, List.copyOf(steps));
  }

  public boolean finished() {
    return TERMINAL.contains(status);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("status", status)
        .put("templateOrganization", templateOrg.toString())
        .put("targetOrganization", targetOrg == null ? null : targetOrg.toString())
        .put("target", target).put("groupId", groupId.toString())
        .put("batchId", batchId == null ? null : batchId.toString()).put("dryRun", dryRun)
        .put("plugins", new JsonArray(plugins)).put("options", options).put("cancelRequested", cancelRequested)
        .put("steps", new JsonArray(steps.stream().map(Step::toJson).toList())).put("error", error)
        .put("attempts", attempts).put("requestedBy", requestedBy.toString())
        .put("createdAt", time(createdAt)).put("startedAt", time(startedAt)).put("finishedAt", time(finishedAt))
        .put("updatedAt", time(updatedAt));
  }

  private static String time(OffsetDateTime at) {
    return at == null ? null : at.toInstant().toString();
  }
}
