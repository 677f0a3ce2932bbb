-- The transaction that wrote each audit event, which the trail's export (order=oldest) reads the events by: events
-- become visible in the order their transactions commit, neither in id order nor in created_at (now(), the
-- transaction's start), and an event whose transaction is not yet visible always has one at or above the oldest still
-- running. Added with no default and then given one, so that neither statement rewrites the table (a volatile default
-- on ADD COLUMN would, README, Writing a migration): the events before it keep NULL, all of them long committed, and
-- read as transaction 0. Every insert names its columns and leaves this one to its default.
ALTER TABLE audit_events ADD COLUMN xact_id xid8;
ALTER TABLE audit_events ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id();
