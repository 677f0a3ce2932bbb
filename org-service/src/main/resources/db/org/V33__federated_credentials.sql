-- Workload identity federation: a trusted provider's (issuer, subject) that signs in as a service user, so a CI job
-- or backend holding the provider's machine token needs no client secret of ours. A removed credential keeps its
-- row: its id is on the revocation list (its tokens name it in cid) for a token's lifetime, as a revoked client
-- credential's is. Each live (issuer, subject) is one service user's.
CREATE TABLE federated_credentials (
  id              uuid PRIMARY KEY,
  service_user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  issuer          text NOT NULL,
  subject         text NOT NULL,
  audience        text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  removed_at      timestamptz
);

CREATE UNIQUE INDEX federated_credentials_subject_key ON federated_credentials (issuer, subject)
  WHERE removed_at IS NULL;
CREATE INDEX federated_credentials_user_idx ON federated_credentials (service_user_id, id);
CREATE INDEX federated_credentials_removed_idx ON federated_credentials (removed_at) WHERE removed_at IS NOT NULL;
