-- An organization's trail in the order of the transactions that wrote it (V57), which its export pages through
-- (AuditRoutes, order=oldest). Built as new migrations build indexes on a table that grows with use (README, Writing a
-- migration): outside a transaction (V58__audit_events_by_transaction.sql.conf), waiting as long as it takes for the
-- transactions before it, and blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY audit_events_xact_idx ON audit_events (org_id, (COALESCE(xact_id, '0'::xid8)), id);
RESET lock_timeout;
