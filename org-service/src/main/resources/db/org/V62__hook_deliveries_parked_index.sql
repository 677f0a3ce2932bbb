-- The hourly purge of deliveries parked for an inactive hook (pending, due at 'infinity' since V39) past the retention
-- (DeliveryRetention.parkedPurge) finds them by this index: V43's holds ended ones only, and until session 41 a hook
-- paused for good kept what was queued for it before its pause for ever. Built as new migrations build indexes on a
-- table that grows with use (README, Writing a migration): outside a transaction
-- (V62__hook_deliveries_parked_index.sql.conf), waiting as long as it takes for the transactions before it, and
-- blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY hook_deliveries_parked_idx ON hook_deliveries (created_at)
  WHERE state = 'pending' AND next_attempt_at = 'infinity';
RESET lock_timeout;
