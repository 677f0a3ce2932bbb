-- The audit-event list's filters (GET .../audit-events?since=&until=&action=&actor=&target=&jobId=), each served by
-- an index in the list's order (newest first, by id) within the organization: with only (org_id, id) a `since` no
-- event matched read the organization's whole log (648 ms at 400,000 events), and a jobId, target or actor a
-- parallel scan of every organization's events. The list is planned per call, so a filter left out is no condition.
CREATE INDEX audit_events_created_idx ON audit_events (org_id, created_at);
CREATE INDEX audit_events_action_idx ON audit_events (org_id, action, id);
CREATE INDEX audit_events_actor_idx ON audit_events (org_id, actor, id);
CREATE INDEX audit_events_target_idx ON audit_events (org_id, target, id);
CREATE INDEX audit_events_job_idx ON audit_events (org_id, job_id, id) WHERE job_id IS NOT NULL;

-- The hook dispatcher's claim skips through this from one hook with deliveries waiting to the next and takes each
-- one's oldest due (HookDispatcher.claim): ranking every due delivery by hook took 400 ms a claim with 100,000 queued
-- for one hook. An inactive hook's deliveries, due at infinity (V39), are left out, as the claim leaves them.
CREATE INDEX hook_deliveries_waiting_idx ON hook_deliveries (org_id, hook_id, next_attempt_at)
  WHERE state = 'pending' AND next_attempt_at < 'infinity';
