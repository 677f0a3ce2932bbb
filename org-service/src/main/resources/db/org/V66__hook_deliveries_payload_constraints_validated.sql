-- V64 added the payload's foreign key and the one-of-two check NOT VALID, so that adding them read none of the rows
-- before; validated here, in a later script, as "Writing a migration" asks: the check reads the table while holding
-- only SHARE UPDATE EXCLUSIVE, so the deliveries go on being queued and sent meanwhile, and the planner and readers of
-- the schema may trust both for every row, those queued before V64 included.
ALTER TABLE hook_deliveries VALIDATE CONSTRAINT hook_deliveries_payload_id_fkey;
ALTER TABLE hook_deliveries VALIDATE CONSTRAINT hook_deliveries_payload_once;
