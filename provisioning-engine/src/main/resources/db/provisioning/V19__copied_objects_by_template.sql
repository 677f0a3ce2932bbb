-- The copies on record per target and template (V18), holding the template ids: a job reads a range of it for its
-- own template's and one for those of no template (CopiedObjects.copiedElsewhere). Built as new migrations build
-- indexes on a table that grows with use (README, Writing a migration): outside a transaction
-- (V19__copied_objects_by_template.sql.conf), waiting as long as it takes for the transactions before it, and blocking
-- none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY copied_objects_by_template_idx ON copied_objects (target_org, template_org)
  INCLUDE (source_id);
RESET lock_timeout;
