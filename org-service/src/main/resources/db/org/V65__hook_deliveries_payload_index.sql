-- A payload's deliveries (V64), for the purge that drops a payload once none names it and for the foreign key's check
-- when it does. Built as new migrations build indexes on a table that grows with use (README, Writing a migration):
-- outside a transaction (V65__hook_deliveries_payload_index.sql.conf), waiting as long as it takes for the
-- transactions before it, and blocking none of them. Deliveries from before V64 name no payload and are left out.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY hook_deliveries_payload_idx ON hook_deliveries (payload_id) WHERE payload_id IS NOT NULL;
RESET lock_timeout;
