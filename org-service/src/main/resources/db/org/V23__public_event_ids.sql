-- API.md: ids are UUIDs. Audit events and hook deliveries were shown by their sequence numbers, which
-- also told every tenant how many events the whole platform had written between two of its own. The
-- sequence still orders and pages them; the API and the Orgplane-Delivery header show a random UUID.
ALTER TABLE audit_events ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE hook_deliveries ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
