-- Which template each copy on record came from: a job tells org-service of its own template's copies made elsewhere
-- (copiedElsewhere, at most 5,000). It told every copy on record in the target, other templates' and those of
-- template objects deleted since included, so a target past 5,000 failed every later job at its queues or hooks.
-- Rows recorded before this migration keep no template (NULL): the engine cannot tell it, the objects living in
-- other systems. A job sends them too while they fit beside its own template's within the bound, and leaves them out
-- past it rather than fail for good (CopiedObjects; README, Provisioning); a job that copies one of them again writes
-- its template on the row (JobRepository's checkpoint). A column with no default: the table is not rewritten, and its
-- lock is held for an instant, under the 5 s wait of every migration's statements. V19 indexes it.
ALTER TABLE copied_objects ADD COLUMN template_org uuid;
