-- Hooks receive the organization's events. queue_ids and run_after point at queues and hooks of the
-- same organization; arrays cannot carry foreign keys, so the service checks them (and that
-- run_after has no cycle) in the transaction that writes the hook.
CREATE TABLE hooks (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL,
  url        text NOT NULL,
  events     text[] NOT NULL DEFAULT '{}',
  queue_ids  uuid[] NOT NULL DEFAULT '{}',
  run_after  uuid[] NOT NULL DEFAULT '{}',
  active     boolean NOT NULL DEFAULT true,
  config     jsonb NOT NULL DEFAULT '{}'::jsonb,
  secret     text NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT hooks_name_key UNIQUE (org_id, name)
);
CREATE INDEX hooks_queue_ids_idx ON hooks USING gin (queue_ids);
CREATE INDEX hooks_run_after_idx ON hooks USING gin (run_after);
