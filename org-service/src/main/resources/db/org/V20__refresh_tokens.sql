-- Refresh tokens (OAuth 2.0 refresh_token grant): a person signed in with a password gets an access token for an
-- hour and a refresh token for longer. Each refresh uses its token up and issues the next of the same family; a
-- used token presented again means two parties hold the family, so the whole family is withdrawn. Ending a person's
-- sessions (a new password, a sign-out everywhere) withdraws all their families. Only SHA-256 of a token is kept.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id  uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expiry_idx ON refresh_tokens (expires_at);
