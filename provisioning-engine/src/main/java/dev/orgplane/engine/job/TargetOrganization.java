package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;

/**
 * The organization a job copies into. A job asked for a new one creates it in the template's
 * group, owned by whoever queued it last (its requester, or who retried it) and marked {@code provisionedFrom} the template and the job. That
 * mark makes creation safe to repeat: after a crash between creating the organization and recording
 * it, the next attempt is refused the name, finds the organization by it and adopts it. So does a later
 * job of the same template for an organization of that name in its group that the template made: running
 * a provisioning again (the same targets) brings the tenants made before up to date, and completes those
 * that failed, instead of failing every one made. A name taken by anything else fails. Creating first
 * costs one call in the usual case, not two.
 */
final class TargetOrganization {

  private static final String NAME_TAKEN = "organization_name_taken";

  private final Pool pool;
  private final OrgApiClient api;
  private final String owner;

  TargetOrganization(Pool pool, OrgApiClient api, String owner) {
    this.pool = pool;
    this.api = api;
    this.owner = owner;
  }

  /** The target's id; {@code null} for a dry run whose target does not exist yet. */
  Future<UUID> ensure(Job job) {
    if (job.targetOrg() != null) {
      return Future.succeededFuture(job.targetOrg());
    }
    return job.dryRun() ? planned(job) : made(job);
  }

  /**
   * What a dry run plans against: what the real run would copy into, found by name as that run finds it once it is
   * refused the name. No organization of the name: a new one, {@code null}. One this template made in its group: the
   * organization the real run would adopt, compared with as it is (and recorded as the plan's target, with no other
   * job's writes in its way: a plan writes nothing). Any other: the plan fails {@value #NAME_TAKEN} as the real run
   * does. Until session 32 every dry run of a new target planned an empty one, which ended succeeded where the real
   * run fails, and planned every object as a creation in a tenant that had them all.
   */
  private Future<UUID> planned(Job job) {
    return api.organization(job.target().getString("name"))
        .compose(existing -> existing == null ? Future.succeededFuture(null) : adopt(job, existing)
            .compose(id -> JobRepository.recordTarget(pool, Lease.of(job, owner), id)
                .compose(held -> held ? Future.succeededFuture(id) : Future.failedFuture(new LeaseLost(job)))));
  }

  private Future<UUID> made(Job job) {
    return create(job)
        .recover(failure -> failure instanceof OrgApiException refused && NAME_TAKEN.equals(refused.code())
            ? api.organization(job.target().getString("name"))
                .compose(existing -> existing == null ? Future.failedFuture(failure) : adopt(job, existing))
            : Future.failedFuture(failure))
        .compose(id -> JobRepository.setTarget(pool, Lease.of(job, owner), id)
            .recover(failure -> Future.failedFuture(failure instanceof JobRepository.TargetBusy busy
                ? new CopyFailure(NAME_TAKEN, "The organization named " + job.target().getString("name")
                    + " is being provisioned by job " + busy.writer + ".", null) : failure))
            .compose(held -> held ? Future.succeededFuture(id) : Future.failedFuture(new LeaseLost(job))));
  }

  /** The run lost its job (to another engine, or to a later claim) before it could record the target. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(Job job) {
      super("job " + job.id() + " was taken over", null, false, false);
    }
  }

  private Future<UUID> create(Job job) {
    var body = new JsonObject().put("title", job.target().getString("name")).mergeIn(job.target())
        .put("groupId", job.groupId().toString())
        .put("ownerId", job.queuedBy().toString())
        .put("provisionedFrom", new JsonObject().put("templateId", job.templateOrg().toString())
            .put("jobId", job.id().toString()));
    return api.createOrganization(body).map(created -> UUID.fromString(created.getString("id")));
  }

  private Future<UUID> adopt(Job job, JsonObject existing) {
    var from = existing.getJsonObject("provisionedFrom");
    var id = UUID.fromString(existing.getString("id"));
    if (from != null && job.id().toString().equals(from.getString("jobId"))) {
      return Future.succeededFuture(id);
    }
    var madeFromThisTemplate = from != null && job.templateOrg().toString().equals(from.getString("templateId"))
        && job.groupId().toString().equals(existing.getString("groupId"));
    return madeFromThisTemplate ? Future.succeededFuture(id) : Future.failedFuture(new CopyFailure(NAME_TAKEN,
        "An organization named " + job.target().getString("name") + " exists already.", null));
  }
}
