-- The provisioning engine's reports recorded in each organization, by the id the engine gives each report: a
-- delivery retried after its answer was lost (org-service killed between recording it and keeping the answer for
-- its Idempotency-Key) finds its id here, in the statement that would audit it, and records nothing again. The
-- engine gives up a report after a day, so rows older than two days are purged hourly.
CREATE TABLE provisioning_reports (
  org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  report_id   uuid NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, report_id)
);
CREATE INDEX provisioning_reports_recorded_idx ON provisioning_reports (recorded_at);
