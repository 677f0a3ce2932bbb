-- Which template each copy on record came from: a job tells org-service of its own template's copies made elsewhere
-- (copiedElsewhere, at most 5,000). It told every copy on record in the target, other templates' and those of
-- template objects deleted since included, so a target past 5,000 failed every later job at its queues or hooks.
-- Rows recorded before this migration keep no template (NULL): the engine cannot tell it, the objects living in
-- other systems. A job sends them too while they fit beside its own template's within the bound, and leaves them out
-- past it rather than fail for good (CopiedObjects; README, Provisioning); a job that copies one of them again writes
-- its template on the row (JobRepository's checkpoint).
-- The index is a range per target and template (and one of the rows of no template), holding the template ids.
-- Built as new migrations build indexes on a big table (README, Migrations): outside a transaction
-- (V18__copied_objects_by_template.sql.conf), waiting as long as it takes for the transactions before it, and blocking
-- none of them. The column is added under the same unbounded wait, not the 5 s after which a migration is rolled back
-- and tried again, which a script outside a transaction cannot be: it holds the table's lock for an instant, once the
-- transactions using the table have ended, each of them one short statement (a checkpoint, a lookup, a sweep's
-- delete), so the statements queued behind it wait about as long as one of those runs. IF NOT EXISTS: after an index
-- build cut off halfway, the invalid index dropped and the failed migration repaired, the script runs again whole.
SET lock_timeout = 0;
ALTER TABLE copied_objects ADD COLUMN IF NOT EXISTS template_org uuid;
CREATE INDEX CONCURRENTLY copied_objects_by_template_idx ON copied_objects (target_org, template_org)
  INCLUDE (source_id);
RESET lock_timeout;
