-- V26's index on service_org_id alone, which V59's (service_org_id, id) serves in its place. Dropped as V59's was
-- built, outside a transaction (V60__service_users_single_column_index_dropped.sql.conf) and waiting for the
-- transactions before it; IF EXISTS, so a drop done by hand after a failed run does not stop the next start.
SET lock_timeout = 0;
DROP INDEX CONCURRENTLY IF EXISTS users_service_org_idx;
RESET lock_timeout;
