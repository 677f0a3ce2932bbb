-- A redelivery names the delivery it repeats by that one's public id, the id its API and receivers know.
ALTER TABLE hook_deliveries ADD COLUMN redelivery_of uuid;
-- Deliveries of the hook that ended failed while it was active, since its last delivered one or its last automatic
-- deactivation:
-- ORGPLANE_HOOK_DISABLE_AFTER_FAILURES of them in a row deactivate it (DeliveryOutcomes).
ALTER TABLE hooks ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0;
