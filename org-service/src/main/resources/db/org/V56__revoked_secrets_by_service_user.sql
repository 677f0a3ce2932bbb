-- A service user's revoked client secrets, newest first: the last ones it lists, and those the hourly purge keeps
-- (RetiredCredentials), read without it from every revoked secret of the service user. Built as new migrations build
-- indexes on a table that grows with use (README, Migrations): outside a transaction
-- (V56__revoked_secrets_by_service_user.sql.conf), waiting as long as it takes for the transactions before it, and
-- blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY service_credentials_revoked_by_user_idx
  ON service_credentials (service_user_id, revoked_at DESC, client_id) WHERE revoked_at IS NOT NULL;
RESET lock_timeout;
