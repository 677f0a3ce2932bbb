-- Identity: users and the keys that sign their tokens.
CREATE TABLE users (
  id             uuid PRIMARY KEY,
  email          text NOT NULL,
  name           text NOT NULL DEFAULT '',
  password_hash  text,
  platform_admin boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Emails are unique regardless of case: Alice@x and alice@x are one person.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE signing_keys (
  kid         text PRIMARY KEY,
  private_jwk jsonb NOT NULL,
  public_jwk  jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

-- Tenancy: groups of organizations, organizations, memberships, custom roles.
CREATE TABLE organization_groups (
  id              uuid PRIMARY KEY,
  name            text NOT NULL,
  create_key_hash text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_admins (
  group_id uuid NOT NULL REFERENCES organization_groups (id) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);

CREATE TABLE organizations (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  title       text NOT NULL,
  description text,
  avatar      text,
  email       text,
  website     text,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  group_id    uuid NOT NULL REFERENCES organization_groups (id),
  state       text NOT NULL DEFAULT 'enabled' CHECK (state IN ('enabled', 'disabled')),
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT organizations_name_key UNIQUE (name)
);
CREATE INDEX organizations_group_idx ON organizations (group_id);

CREATE TABLE memberships (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  roles      text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE roles (
  id          uuid PRIMARY KEY,
  org_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name        text NOT NULL,
  title       text NOT NULL DEFAULT '',
  permissions text[] NOT NULL,
  metadata    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT roles_org_name_key UNIQUE (org_id, name)
);

-- Who did what, written in the same transaction as the change it records.
CREATE TABLE audit_events (
  id         bigserial PRIMARY KEY,
  org_id     uuid,
  actor      text NOT NULL,
  action     text NOT NULL,
  target     text NOT NULL,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb,
  request_id text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_org_idx ON audit_events (org_id, id);
