-- A job's named owner who is a member already, without the owner role, is made owner (made_owner): counted by the job
-- and by its batch, as every other outcome of inviting the owner is (V9, V10).
-- NOT VALID: the jobs' rows are not read here, with the table locked (V21 validates them, reading without blocking).
ALTER TABLE jobs DROP CONSTRAINT jobs_owner_invitation_check, ADD CONSTRAINT jobs_owner_invitation_check
  CHECK (owner_invitation IN ('invited', 'already_invited', 'already_member', 'made_owner', 'planned')) NOT VALID;
ALTER TABLE batches ADD COLUMN owners_made_owner bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION add_to_batches(changes batch_change[]) RETURNS void LANGUAGE plpgsql AS $$
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
      coalesce(sum(sign) FILTER (WHERE owner_invitation = 'made_owner'), 0) AS made_owner,
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
      owners_made_owner = owners_made_owner + total.made_owner,
      owners_planned = owners_planned + total.planned
    WHERE id = total.batch_id;
  END LOOP;
END $$;
