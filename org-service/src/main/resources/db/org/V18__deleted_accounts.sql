-- Accounts deleted while tokens issued to them may be unexpired. org-service refuses those at once (the user is
-- gone); the services that do not look users up (the engine) refuse them from the revocation list this feeds
-- (TokenRevocations). Rows older than a token's lifetime have no live token left and are purged.
CREATE TABLE deleted_accounts (
  user_id    uuid PRIMARY KEY,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
