package dev.orgplane.engine.job;

import java.util.UUID;

/**
 * One run of a job by one engine: the engine ({@code owner}) and the claim's number ({@code attempt}, which every
 * claim of the job raises). Every write of a run names both, so a run that lost its job, to another engine or to
 * the same one claiming it again (a retry, or a lease that lapsed while its heartbeats failed), writes nothing:
 * naming the engine alone let a stale page of an earlier run checkpoint into the later one.
 */
record Lease(UUID jobId, String owner, int attempt) {

  static Lease of(Job job, String owner) {
    return new Lease(job.id(), owner, job.attempts());
  }
}
