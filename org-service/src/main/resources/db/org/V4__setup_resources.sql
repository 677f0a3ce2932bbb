-- What a template organization holds and provisioning copies. Keys are (org_id, id) and references
-- are composite foreign keys, so an object can only ever point at objects of its own organization.
-- References are checked at commit (DEFERRABLE), so one batch may hold an object and what it uses,
-- in any order.
CREATE TABLE workspaces (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT workspaces_name_key UNIQUE (org_id, name)
);

CREATE TABLE schemas (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL,
  content    jsonb NOT NULL,
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT schemas_name_key UNIQUE (org_id, name)
);

CREATE TABLE queues (
  org_id       uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id           uuid NOT NULL,
  name         text NOT NULL,
  workspace_id uuid NOT NULL,
  schema_id    uuid NOT NULL,
  settings     jsonb NOT NULL DEFAULT '{}'::jsonb,
  metadata     jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT queues_name_key UNIQUE (org_id, name),
  CONSTRAINT queues_workspace_fkey FOREIGN KEY (org_id, workspace_id) REFERENCES workspaces (org_id, id)
    DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT queues_schema_fkey FOREIGN KEY (org_id, schema_id) REFERENCES schemas (org_id, id)
    DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX queues_workspace_idx ON queues (org_id, workspace_id);
CREATE INDEX queues_schema_idx ON queues (org_id, schema_id);
