-- The jobs running now, by group: a claim counts each group's to pick a job of the group running the fewest, so that
-- groups take turns on the engines (JobRepository). Few rows (one per engine slot in use), so reading them all costs
-- next to nothing, where the other indexes hold every queued or every finished job too. Its columns never change
-- while a job runs, so a lease renewed still updates the row in place (HOT). Built as new migrations build indexes
-- on a big table (README, Migrations): outside a transaction (V15__jobs_running_by_group.sql.conf), waiting as long
-- as it takes for the transactions before it, and blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY jobs_running_by_group_idx ON jobs (group_id) WHERE status = 'running';
RESET lock_timeout;
