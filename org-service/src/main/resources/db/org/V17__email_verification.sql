-- An address is verified once its owner has shown they read its mail (a mailed token sent back, or a password
-- chosen by mail). Invitations are addressed to an email, so only the verified owner of that address sees and
-- answers them: anyone can register any address. Accounts from before this migration verify too; the platform
-- admin's address is the operator's own configuration.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
UPDATE users SET email_verified_at = now() WHERE platform_admin;

CREATE TABLE email_verifications (
  token_hash text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX email_verifications_user_idx ON email_verifications (user_id, created_at);
CREATE INDEX email_verifications_expiry_idx ON email_verifications (expires_at);
