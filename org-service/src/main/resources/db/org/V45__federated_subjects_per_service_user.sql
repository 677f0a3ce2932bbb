-- A live (issuer, subject) is unique per service user, not platform-wide: a provider's subjects are often public
-- (GitHub's repo:owner/app:ref:refs/heads/main), and until session 31 whichever organization named one first held it,
-- so another tenant could squat a victim's subject (the victim could never federate, and its workload signed in as
-- the squatter's service user). The token exchange names the service user (client_id) when several hold a subject.
-- Leading with (issuer, subject), the index also finds an exchanged token's credentials.
DROP INDEX federated_credentials_subject_key;
CREATE UNIQUE INDEX federated_credentials_holder_key ON federated_credentials (issuer, subject, service_user_id)
  WHERE removed_at IS NULL;
