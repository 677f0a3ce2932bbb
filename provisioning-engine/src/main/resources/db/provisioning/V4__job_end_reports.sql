-- The outbox of jobs' end reports (provisioning.job.finished to the template's and the target's
-- hooks): a report is written in the transaction that ends its job and delivered afterwards, so an
-- end never waits for org-service, and an outage or an engine restart delays reports instead of
-- dropping them. Its id keys the delivery (idempotency key), so a retried delivery is recorded once.
CREATE TABLE job_end_reports (
  id              bigserial PRIMARY KEY,
  job_id          uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  status          text NOT NULL,
  error           jsonb,
  deliveries      int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_end_reports_due_idx ON job_end_reports (next_attempt_at);
