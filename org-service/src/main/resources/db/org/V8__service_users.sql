-- Service users are users without email or password that belong to one organization (and go with
-- it); they hold roles there through an ordinary membership, so the one access policy covers them.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
ALTER TABLE users ADD COLUMN service_org_id uuid REFERENCES organizations (id) ON DELETE CASCADE;
ALTER TABLE users ADD CONSTRAINT users_human_or_service CHECK ((email IS NULL) = (service_org_id IS NOT NULL));

-- Client credentials of service users. The secret is 256 random bits, so a SHA-256 of it is as good
-- as a slow hash and costs nothing per token request.
CREATE TABLE service_credentials (
  client_id       uuid PRIMARY KEY,
  service_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret_hash     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);
CREATE INDEX service_credentials_user_idx ON service_credentials (service_user_id);
