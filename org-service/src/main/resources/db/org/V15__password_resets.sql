-- A password chosen by mail: a forgotten one, or the first of an account an admin made. Only the token's
-- SHA-256 is kept (the mail holds the token); a token works once, for an hour.
CREATE TABLE password_resets (
  token_hash text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at);
CREATE INDEX password_resets_expiry_idx ON password_resets (expires_at);

-- When a password was last chosen: tokens issued before that second are refused (SessionsEnded).
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;
CREATE INDEX users_password_changed_idx ON users (password_changed_at) WHERE password_changed_at IS NOT NULL;
