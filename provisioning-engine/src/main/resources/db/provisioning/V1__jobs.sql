-- A batch is many jobs from one template; it holds no state of its own beyond its request:
-- its status is computed from its jobs, so it can never disagree with them.
CREATE TABLE batches (
  id             uuid PRIMARY KEY,
  requested_by   uuid NOT NULL,
  template_org   uuid NOT NULL,
  group_id       uuid NOT NULL,
  concurrency    int NOT NULL CHECK (concurrency BETWEEN 1 AND 64),
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- A job copies one template into one target. A worker owns a running job while lease_until is in
-- the future and renews it with a heartbeat; a running job whose lease expired is up for grabs, which
-- is how a job survives the death of the engine that ran it.
CREATE TABLE jobs (
  id               uuid PRIMARY KEY,
  batch_id         uuid REFERENCES batches (id) ON DELETE CASCADE,
  requested_by     uuid NOT NULL,
  template_org     uuid NOT NULL,
  group_id         uuid NOT NULL,
  target_org       uuid,
  target           jsonb,
  plugins          text[] NOT NULL,
  options          jsonb NOT NULL DEFAULT '{}',
  dry_run          boolean NOT NULL DEFAULT false,
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  cancel_requested boolean NOT NULL DEFAULT false,
  error            jsonb,
  attempts         int NOT NULL DEFAULT 0,
  lease_owner      text,
  lease_until      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_claimable_idx ON jobs (created_at) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_batch_idx ON jobs (batch_id, status);
CREATE INDEX jobs_requested_by_idx ON jobs (requested_by, id);

-- One row per plugin of a job: its place in the run order, and the checkpoint (cursor and counts)
-- written after every page.
CREATE TABLE job_steps (
  job_id     uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  position   int NOT NULL,
  plugin     text NOT NULL,
  status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
  cursor     text,
  created    bigint NOT NULL DEFAULT 0,
  updated    bigint NOT NULL DEFAULT 0,
  unchanged  bigint NOT NULL DEFAULT 0,
  failed     bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (job_id, position)
);

-- Template objects copied into a target (by any job): how ids embedded in free-form settings are
-- recognised, and how a plugin learns which references can already be written.
CREATE TABLE copied_objects (
  target_org uuid NOT NULL,
  copy_id    uuid NOT NULL,
  source_id  uuid NOT NULL,
  PRIMARY KEY (target_org, copy_id)
);
CREATE UNIQUE INDEX copied_objects_source_idx ON copied_objects (target_org, source_id);
