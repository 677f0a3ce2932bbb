package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Objects;
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

  /**
   * The target's id; {@code null} for a dry run whose target does not exist yet. A job asked for a new organization
   * that has one recorded but has copied nothing since (a retry, say) asks first whether it still exists: an operator
   * may have deleted a half-made tenant to start clean, and the job then makes it again, or finds it by name, as its
   * first run did. Until session 35 such a retry copied into the deleted organization, and failed
   * {@code organization_not_found} every time. Once a step has copied a page the job keeps its target: one made anew
   * would lack what those pages copied.
   */
  Future<UUID> ensure(Job job) {
    var recorded = job.targetOrg();
    if (recorded == null) {
      return fresh(job);
    }
    if (job.target() == null || !job.copiedNothing()) {
      return Future.succeededFuture(recorded);
    }
    return api.organization(recorded.toString())
        .compose(found -> found != null ? Future.succeededFuture(recorded) : fresh(job));
  }

  /** What a job asked for a new organization copies into, or plans against, found or made by name. */
  private Future<UUID> fresh(Job job) {
    return job.dryRun() ? planned(job) : made(job);
  }

  /**
   * What a dry run plans against: what the real run would copy into, found by name as that run finds it once it is
   * refused the name. No organization of the name: a new one, {@code null}. One this template made in its group: the
   * organization the real run would adopt, compared with as it is (and recorded as the plan's target, with no other
   * job's writes in its way: a plan writes nothing). Any other: the plan fails {@value #NAME_TAKEN} as the real run
   * does. Until session 32 every dry run of a new target planned an empty one, which ended succeeded where the real
   * run fails, and planned every object as a creation in a tenant that had them all. A plan that had recorded a
   * tenant since deleted forgets it when it plans a new one.
   */
  private Future<UUID> planned(Job job) {
    return api.organization(job.target().getString("name"))
        .compose(existing -> existing == null ? Future.<UUID>succeededFuture(null) : adopt(job, existing))
        .compose(id -> Objects.equals(id, job.targetOrg()) ? Future.succeededFuture(id)
            : held(job, JobRepository.recordTarget(pool, Lease.of(job, owner), id), id));
  }

  private Future<UUID> made(Job job) {
    return create(job)
        .recover(failure -> failure instanceof OrgApiException refused && NAME_TAKEN.equals(refused.code())
            ? api.organization(job.target().getString("name"))
                .compose(existing -> existing == null ? Future.failedFuture(failure) : adopt(job, existing))
            : Future.failedFuture(failure))
        .compose(id -> held(job, JobRepository.setTarget(pool, Lease.of(job, owner), id)
            .recover(failure -> Future.failedFuture(failure instanceof JobRepository.TargetBusy busy
                ? new CopyFailure(NAME_TAKEN, "The organization named " + job.target().getString("name")
                    + " is being provisioned by job " + busy.writer + ".", null) : failure)), id));
  }

  /** {@code id}, once {@code recorded} as the job's target; {@link LeaseLost} if the run no longer held the job. */
  private static Future<UUID> held(Job job, Future<Boolean> recorded, UUID id) {
    return recorded.compose(held -> held ? Future.succeededFuture(id) : Future.failedFuture(new LeaseLost(job)));
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
