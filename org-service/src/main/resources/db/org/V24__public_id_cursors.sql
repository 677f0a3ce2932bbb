-- Audit and delivery pages continue after the public id of the last row seen (LogCursor): a cursor holding the
-- sequence number told every tenant how many rows the whole platform wrote between two pages, as the ids did
-- before V23. The lookup is by organization, so a cursor from another tenant's log names nothing here.
CREATE UNIQUE INDEX audit_events_public_id_key ON audit_events (org_id, public_id);
CREATE UNIQUE INDEX hook_deliveries_public_id_key ON hook_deliveries (org_id, public_id);
