-- The jobs in no batch that may be claimed, by group and in the order they were queued (a retried job from its
-- retry): a claim walks the groups that queued such jobs, one descent each, to consider the first jobs of every group
-- rather than the 16 oldest of all (JobRepository), so one group's 500 single jobs no longer hold the place of every
-- other group's. It replaces V13's jobs_claimable_alone_idx, in creation order alone (V17 drops it). Built as new
-- migrations build indexes on a big table (README, Migrations): outside a transaction (V16__jobs_alone_by_group.sql.conf),
-- waiting as long as it takes for the transactions before it, and blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY jobs_claimable_alone_by_group_idx ON jobs (group_id, (coalesce(retried_at, created_at)), id)
  WHERE status IN ('queued', 'running') AND batch_id IS NULL;
RESET lock_timeout;
