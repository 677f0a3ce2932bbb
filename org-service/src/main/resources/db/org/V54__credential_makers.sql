-- Who made each credential of a service user, so that a change raising the service user above its maker (new roles,
-- a custom role it holds widened) revokes what that maker made: only the making was ranked, and the credential then
-- reached whatever the service user came to hold. A maker whose account is deleted is no longer known (NULL), nor is
-- the maker of a credential older than this migration whose creation the audit trail no longer records: either is
-- revoked by the next such change, as a maker who no longer outranks it would be.
ALTER TABLE service_credentials ADD COLUMN made_by uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE federated_credentials ADD COLUMN made_by uuid REFERENCES users (id) ON DELETE SET NULL;
-- the foreign keys' ON DELETE looks makers up when an account is deleted
CREATE INDEX service_credentials_made_by_idx ON service_credentials (made_by) WHERE made_by IS NOT NULL;
CREATE INDEX federated_credentials_made_by_idx ON federated_credentials (made_by) WHERE made_by IS NOT NULL;

UPDATE service_credentials c SET made_by = u.id
  FROM audit_events e JOIN users u ON u.id::text = e.actor
  WHERE e.action = 'service_user.credential_created' AND e.details ->> 'clientId' = c.client_id::text;
UPDATE federated_credentials c SET made_by = u.id
  FROM audit_events e JOIN users u ON u.id::text = e.actor
  WHERE e.action = 'service_user.federated_credential_added' AND e.details ->> 'federatedCredentialId' = c.id::text;
