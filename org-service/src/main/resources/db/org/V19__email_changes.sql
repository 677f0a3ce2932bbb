-- An account's address being changed: the new address is mailed a token, and becomes the account's (verified)
-- when the token comes back. Only the token's SHA-256 is kept; a token works once, for a day.
CREATE TABLE email_changes (
  token_hash text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  new_email  text NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX email_changes_user_idx ON email_changes (user_id, created_at);
CREATE INDEX email_changes_expiry_idx ON email_changes (expires_at);
