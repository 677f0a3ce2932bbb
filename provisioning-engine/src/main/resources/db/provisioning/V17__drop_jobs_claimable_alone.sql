-- V13's index of the jobs in no batch in creation order, which claims no longer read: V16's, by group, replaced it.
-- Dropped without blocking the table's reads and writes, outside a transaction (V17__drop_jobs_claimable_alone.sql.conf),
-- waiting as long as it takes for the transactions before it (README, Migrations).
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY jobs_claimable_alone_idx;
RESET lock_timeout;
