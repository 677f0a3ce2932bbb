-- Which process claimed a key (its sessions' application_name, kit Database): a key whose process has no session
-- left is taken over at once instead of after the minute (kit IdempotencyKeys). Repeatable, as kit migrations are
-- (see R__sealed_idempotency_answers.sql): written to run any number of times.
ALTER TABLE idempotency_keys ADD COLUMN IF NOT EXISTS claimed_by text;
