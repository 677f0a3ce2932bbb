package dev.orgplane.engine.job;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * A provisioning job as stored, with its steps in run order. {@code queuedBy} queued it last: its requester,
 * or whoever retried it since; a target organization the job creates is theirs. {@code ownerEmail} is invited
 * as its owner too, once the template is copied, and {@code ownerInvitation} is what that came to (one of
 * {@link #OWNER_INVITATIONS}); {@code ownerIsRequester}, known of a dry run only, says the address was
 * {@code queuedBy}'s own as they queued or last retried it, which its plan needs to fail as the real run does
 * ({@link OwnerInvitation}). {@code retriedAt} is when it was last retried, if ever: the runs since read the template
 * anew ({@link JobRunner}).
 */
public record Job(UUID id, UUID batchId, UUID requestedBy, UUID queuedBy, UUID templateOrg, UUID groupId, UUID targetOrg,
    JsonObject target, String ownerEmail, String ownerInvitation, boolean ownerIsRequester, List<String> plugins,
    JsonObject options, boolean dryRun, String status, boolean cancelRequested, JsonObject error, int attempts,
    OffsetDateTime createdAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, OffsetDateTime updatedAt,
    OffsetDateTime retriedAt, List<Step> steps) {

  /** Every status a job can have, in the order of its life. */
  public static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed", "cancelled");
  /** The last three: a job in one of them has ended. */
  private static final List<String> TERMINAL = STATUSES.subList(2, STATUSES.size());
  /** What inviting a job's owner can come to ({@link OwnerInvitation}). */
  public static final List<String> OWNER_INVITATIONS =
      List.of(OwnerInvitation.INVITED, OwnerInvitation.ALREADY_INVITED, OwnerInvitation.ALREADY_MEMBER,
          OwnerInvitation.MADE_OWNER, OwnerInvitation.PLANNED);

  /** A row of {@code provisioning.jobs} with a column {@code steps}: the job's steps as a JSON array, in run order. */
  static final Function<Row, Job> MAPPER = row -> new Job(row.getUUID("id"), row.getUUID("batch_id"),
      row.getUUID("requested_by"), Objects.requireNonNullElse(row.getUUID("queued_by"), row.getUUID("requested_by")),
      row.getUUID("template_org"), row.getUUID("group_id"), row.getUUID("target_org"),
      (JsonObject) row.getValue("target"), row.getString("owner_email"), row.getString("owner_invitation"),
      row.getBoolean("owner_is_requester"), List.of(row.getArrayOfStrings("plugins")),
      (JsonObject) row.getValue("options"), row.getBoolean("dry_run"), row.getString("status"),
      row.getBoolean("cancel_requested"), (JsonObject) row.getValue("error"), row.getInteger("attempts"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"),
      row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("retried_at"),
      row.getJsonArray("steps").stream().map(step -> Step.FROM_JSON.apply((JsonObject) step)).toList());

  /** A plugin's part of a job: where it stands and what it did. */
  public record Step(int position, String plugin, String status, String cursor, long created, long updated,
      long unchanged, long failed) {

    /** A row of {@code provisioning.job_steps} as JSON. */
    static final Function<JsonObject, Step> FROM_JSON = json -> new Step(json.getInteger("position"),
        json.getString("plugin"), json.getString("status"), json.getString("cursor"), json.getLong("created"),
        json.getLong("updated"), json.getLong("unchanged"), json.getLong("failed"));
  }

  /**
   * Whether no step has recorded a page: the job is new, retried (its steps pending again from the start), or its runs
   * stopped before their first checkpoint.
   */
  boolean copiedNothing() {
    return steps.stream().allMatch(step -> "pending".equals(step.status()) && step.cursor() == null);
  }

  public boolean finished() {
    return TERMINAL.contains(status);
  }

  /** The API form (see {@link JobView}). */
  public JsonObject toJson() {
    return JobViews.MAPPER.view(this).toJson();
  }
}
