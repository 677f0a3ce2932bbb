-- The job and batch lists filter by status, template, target and batch, newest or oldest first. Each filter of a
-- requester's list has an index in id order that a page reads from its cursor on, whichever way: without them a page
-- of a rare status read every job of the requester to find its rows, and one of a batch or a target read the
-- requester's whole index (a cached generic plan guesses a requester has few jobs; a provisioning admin has
-- hundreds of thousands).
CREATE INDEX jobs_requested_by_status_idx ON jobs (requested_by, status, id);
CREATE INDEX jobs_requested_by_template_idx ON jobs (requested_by, template_org, id);
CREATE INDEX jobs_requested_by_batch_idx ON jobs (requested_by, batch_id, id);
-- By target alone: a target has few jobs, and so does the check that no other job is copying into an organization a
-- job adopts (TargetOrganization), which read the whole table.
CREATE INDEX jobs_target_idx ON jobs (target_org, id);
CREATE INDEX batches_requested_by_template_idx ON batches (requested_by, template_org, id);
