-- A batch in a list showed its jobs' counts by status, the objects their steps copied and their owner invitations,
-- summed from all its jobs and steps, and a status filter counted the jobs of every batch it passed: a page of 50
-- batches of 500 jobs read 75,000 steps. A batch keeps these totals on its row, with the status they make, so a list
-- reads batch rows alone. Triggers add what a statement changes in jobs and steps to their batches' totals in that
-- statement, whichever statement it is: the totals never disagree with the jobs, as when they were computed from them.
ALTER TABLE batches ADD COLUMN dry_run boolean NOT NULL DEFAULT false,
  ADD COLUMN jobs_queued bigint NOT NULL DEFAULT 0, ADD COLUMN jobs_running bigint NOT NULL DEFAULT 0,
  ADD COLUMN jobs_succeeded bigint NOT NULL DEFAULT 0, ADD COLUMN jobs_failed bigint NOT NULL DEFAULT 0,
  ADD COLUMN jobs_cancelled bigint NOT NULL DEFAULT 0,
  ADD COLUMN objects_created bigint NOT NULL DEFAULT 0, ADD COLUMN objects_updated bigint NOT NULL DEFAULT 0,
  ADD COLUMN objects_unchanged bigint NOT NULL DEFAULT 0,
  ADD COLUMN owners_invited bigint NOT NULL DEFAULT 0, ADD COLUMN owners_already_invited bigint NOT NULL DEFAULT 0,
  ADD COLUMN owners_already_member bigint NOT NULL DEFAULT 0, ADD COLUMN owners_planned bigint NOT NULL DEFAULT 0,
  -- active while a job is queued or running; once all have ended failed if any failed (a partial batch is never
  -- reported successful), else cancelled if any was cancelled, else succeeded
  ADD COLUMN status text GENERATED ALWAYS AS (CASE
    WHEN jobs_running > 0 OR (jobs_queued > 0 AND jobs_succeeded + jobs_failed + jobs_cancelled > 0) THEN 'running'
    WHEN jobs_queued > 0 THEN 'queued' WHEN jobs_failed > 0 THEN 'failed' WHEN jobs_cancelled > 0 THEN 'cancelled'
    ELSE 'succeeded' END) STORED;
CREATE INDEX batches_requested_by_status_idx ON batches (requested_by, status, id);

-- What a change adds to a batch's totals: a job counted (sign 1) or no longer counted (-1) under its status and
-- owner invitation, or what a step's copied counts grew by (sign 1, no status).
CREATE TYPE batch_change AS (batch_id uuid, sign int, status text, owner_invitation text, created bigint,
  updated bigint, unchanged bigint);

-- Batch by batch in id order, so that statements changing jobs of the same batches never wait for each other in a
-- cycle (a claim ends cancelled jobs of any batches; a stopping engine hands back jobs of many).
CREATE FUNCTION add_to_batches(changes batch_change[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  total record;
BEGIN
  FOR total IN SELECT batch_id,
      coalesce(sum(sign) FILTER (WHERE status = 'queued'), 0) AS queued,
      coalesce(sum(sign) FILTER (WHERE status = 'running'), 0) AS running,
      coalesce(sum(sign) FILTER (WHERE status = 'succeeded'), 0) AS succeeded,
      coalesce(sum(sign) FILTER (WHERE status = 'failed'), 0) AS failed,
      coalesce(sum(sign) FILTER (WHERE status = 'cancelled'), 0) AS cancelled,
      sum(created) AS created, sum(updated) AS updated, sum(unchanged) AS unchanged,
      coalesce(sum(sign) FILTER (WHERE owner_invitation = 'invited'), 0) AS invited,
      coalesce(sum(sign) FILTER (WHERE owner_invitation = 'already_invited'), 0) AS already_invited,
      coalesce(sum(sign) FILTER (WHERE owner_invitation = 'already_member'), 0) AS already_member,
      coalesce(sum(sign) FILTER (WHERE owner_invitation = 'planned'), 0) AS planned
    FROM unnest(changes) GROUP BY batch_id ORDER BY batch_id
  LOOP
    UPDATE provisioning.batches SET jobs_queued = jobs_queued + total.queued,
      jobs_running = jobs_running + total.running, jobs_succeeded = jobs_succeeded + total.succeeded,
      jobs_failed = jobs_failed + total.failed, jobs_cancelled = jobs_cancelled + total.cancelled,
      objects_created = objects_created + total.created, objects_updated = objects_updated + total.updated,
      objects_unchanged = objects_unchanged + total.unchanged, owners_invited = owners_invited + total.invited,
      owners_already_invited = owners_already_invited + total.already_invited,
      owners_already_member = owners_already_member + total.already_member,
      owners_planned = owners_planned + total.planned
    WHERE id = total.batch_id;
  END LOOP;
END $$;

CREATE FUNCTION count_new_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM provisioning.add_to_batches(ARRAY(SELECT (batch_id, 1, status, owner_invitation, 0, 0, 0)::provisioning.batch_change
    FROM new_jobs WHERE batch_id IS NOT NULL));
  RETURN NULL;
END $$;

-- Only the jobs whose status or owner invitation changed: a lease renewed changes no batch.
CREATE FUNCTION count_changed_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM provisioning.add_to_batches(ARRAY(SELECT (n.batch_id, c.sign, c.status, c.owner_invitation, 0, 0, 0)::provisioning.batch_change
    FROM new_jobs n JOIN old_jobs o USING (id)
    CROSS JOIN LATERAL (VALUES (1, n.status, n.owner_invitation), (-1, o.status, o.owner_invitation)) c (sign, status, owner_invitation)
    WHERE n.batch_id IS NOT NULL AND (n.status, n.owner_invitation) IS DISTINCT FROM (o.status, o.owner_invitation)));
  RETURN NULL;
END $$;

CREATE FUNCTION count_new_steps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM provisioning.add_to_batches(ARRAY(SELECT (j.batch_id, 1, NULL, NULL, s.created, s.updated, s.unchanged)::provisioning.batch_change
    FROM new_steps s JOIN provisioning.jobs j ON j.id = s.job_id
    WHERE j.batch_id IS NOT NULL AND (s.created, s.updated, s.unchanged) <> (0, 0, 0)));
  RETURN NULL;
END $$;

CREATE FUNCTION count_changed_steps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM provisioning.add_to_batches(ARRAY(SELECT (j.batch_id, 1, NULL, NULL, n.created - o.created, n.updated - o.updated, n.unchanged - o.unchanged)::provisioning.batch_change
    FROM new_steps n JOIN old_steps o USING (job_id, position) JOIN provisioning.jobs j ON j.id = n.job_id
    WHERE j.batch_id IS NOT NULL AND (n.created, n.updated, n.unchanged) <> (o.created, o.updated, o.unchanged)));
  RETURN NULL;
END $$;

-- Jobs and steps are deleted only with their batch.
CREATE TRIGGER jobs_counted_in_batch AFTER INSERT ON jobs REFERENCING NEW TABLE AS new_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION count_new_jobs();
CREATE TRIGGER jobs_recounted_in_batch AFTER UPDATE ON jobs REFERENCING OLD TABLE AS old_jobs NEW TABLE AS new_jobs
  FOR EACH STATEMENT EXECUTE FUNCTION count_changed_jobs();
CREATE TRIGGER job_steps_counted_in_batch AFTER INSERT ON job_steps REFERENCING NEW TABLE AS new_steps
  FOR EACH STATEMENT EXECUTE FUNCTION count_new_steps();
CREATE TRIGGER job_steps_recounted_in_batch AFTER UPDATE ON job_steps
  REFERENCING OLD TABLE AS old_steps NEW TABLE AS new_steps FOR EACH STATEMENT EXECUTE FUNCTION count_changed_steps();

-- The batches so far: each counts its jobs and steps as the triggers would have.
UPDATE batches b SET dry_run = EXISTS (SELECT FROM jobs j WHERE j.batch_id = b.id AND j.dry_run);
SELECT add_to_batches(ARRAY(SELECT (batch_id, 1, status, owner_invitation, 0, 0, 0)::batch_change FROM jobs j
    WHERE j.batch_id = b.id
  UNION ALL SELECT (j.batch_id, 1, NULL, NULL, s.created, s.updated, s.unchanged)::batch_change
    FROM jobs j JOIN job_steps s ON s.job_id = j.id WHERE j.batch_id = b.id))
FROM batches b;
