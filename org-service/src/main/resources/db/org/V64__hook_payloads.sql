-- A hook event's payload, stored once for all its deliveries: an event went into a row of hook_deliveries for each
-- subscribed hook, the whole event in each, up to ORGPLANE_HOOKS_PER_ORGANIZATION (2,000) copies of it. A
-- redelivery and its original share theirs, so a redelivery sends the original's bytes.
CREATE TABLE hook_payloads (
  id         bigserial PRIMARY KEY,
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- The retention's purge of payloads no delivery names any more (DeliveryRetention.unreferencedPurge) reads them
-- from the oldest.
CREATE INDEX hook_payloads_created_idx ON hook_payloads (created_at);

-- A delivery queued before V64 keeps its payload inline (payload_id null) until the retention purges it: filling in
-- the reference for every delivery kept would rewrite the whole table in this migration. Both constraints are
-- NOT VALID so that adding them reads none of the rows before them, which have no reference to check; they hold for
-- every row written from now on.
ALTER TABLE hook_deliveries
  ADD COLUMN payload_id bigint,
  ADD CONSTRAINT hook_deliveries_payload_id_fkey FOREIGN KEY (payload_id) REFERENCES hook_payloads (id) NOT VALID,
  ALTER COLUMN payload DROP NOT NULL,
  ADD CONSTRAINT hook_deliveries_payload_once CHECK ((payload IS NULL) <> (payload_id IS NULL)) NOT VALID;
