package dev.orgplane.engine.job;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * A job about to be queued: copy {@code templateOrg} into {@code targetOrg}, or into a new
 * organization described by {@code target} and invited to {@code ownerEmail} (if any), with
 * {@code plugins} in run order. {@code requesterEmail}: a dry run's requester's address where it names an owner (else
 * null), which queueing it tells whether that owner is ({@link Job#ownerIsRequester}).
 */
public record NewJob(UUID id, UUID batchId, UUID requestedBy, UUID templateOrg, UUID groupId, UUID targetOrg,
    JsonObject target, String ownerEmail, String requesterEmail, List<String> plugins, JsonObject options,
    boolean dryRun) {
}
