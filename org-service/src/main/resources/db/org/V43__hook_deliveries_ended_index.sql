-- The hourly purge of ended hook deliveries (DeliveryRetention.endedPurge) finds them by this index, not by a scan of
-- every delivery kept: pending ones are not purged, and the dispatcher finds those by hook_deliveries_due_idx.
CREATE INDEX hook_deliveries_ended_idx ON hook_deliveries (created_at) WHERE state <> 'pending';
