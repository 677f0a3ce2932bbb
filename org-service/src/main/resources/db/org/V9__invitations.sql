-- One pending invitation per (organization, email): inviting again refreshes it.
CREATE TABLE invitations (
  id         uuid PRIMARY KEY,
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email      text NOT NULL,
  roles      text[] NOT NULL,
  team_ids   uuid[] NOT NULL DEFAULT '{}',
  invited_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX invitations_org_email_key ON invitations (org_id, lower(email));
CREATE INDEX invitations_email_idx ON invitations (lower(email));

-- Mail to send, written in the transaction that decided to send it.
CREATE TABLE mail_outbox (
  id              bigserial PRIMARY KEY,
  to_address      text NOT NULL,
  subject         text NOT NULL,
  body            text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE state = 'pending';
