-- A claim walked every claimable job in creation order, counting each one's batch's running jobs, until it found one
-- whose batch had room: behind a full batch of 10,000 queued jobs every claim of every engine took 25 ms to find
-- nothing. It now looks only at the open batches with room (few) and takes the oldest few claimable jobs of each,
-- and of the jobs in no batch, from these indexes; and finds the jobs whose cancel waits for a claim (rare) without
-- reading every job.
CREATE INDEX batches_open_idx ON batches (id) WHERE jobs_queued > 0 OR jobs_running > 0;
CREATE INDEX jobs_claimable_in_batch_idx ON jobs (batch_id, created_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_claimable_alone_idx ON jobs (created_at, id)
  WHERE status IN ('queued', 'running') AND batch_id IS NULL;
CREATE INDEX jobs_cancel_waiting_idx ON jobs (id) WHERE cancel_requested AND status IN ('queued', 'running');
DROP INDEX jobs_claimable_idx;
