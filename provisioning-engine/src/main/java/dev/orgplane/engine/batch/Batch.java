package dev.orgplane.engine.batch;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.engine.job.Job;
import dev.orgplane.kit.http.Timestamps;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A batch, its status (see {@link BatchRepository}), the counts of its jobs by status and of the objects its jobs
 * have copied so far (planned, for a dry run), so one read shows a batch's progress however many jobs it has.
 * {@code owners} counts its jobs' owner invitations by what they came to; {@code selection} says how its targets were
 * chosen ({@link TargetSelection}).
 */
record Batch(UUID id, UUID requestedBy, UUID templateOrg, UUID groupId, int concurrency, boolean dryRun, String selection,
    OffsetDateTime createdAt, String status, Map<String, Long> counts, Counts objects, Map<String, Long> owners) {

  private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled");

  boolean ended() {
    return ENDED.contains(status);
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  JsonObject toJson() {
    var byStatus = new JsonObject();
    counts.forEach(byStatus::put);
    var invitations = new JsonObject();
    for (var outcome : Job.OWNER_INVITATIONS) {
      invitations.put(outcome, owners.getOrDefault(outcome, 0L));
    }
    return new JsonObject().put("id", id.toString()).put("status", status)
        .put("templateOrganization", templateOrg.toString()).put("groupId", groupId.toString())
        .put("concurrency", concurrency).put("dryRun", dryRun).put("selection", selection).put("total", total()).put("counts", byStatus)
        .put("objects", new JsonObject().put("created", objects.created()).put("updated", objects.updated())
            .put("unchanged", objects.unchanged()))
        .put("owners", invitations)
        .put("requestedBy", requestedBy.toString()).put("createdAt", Timestamps.iso(createdAt));
  }
}
