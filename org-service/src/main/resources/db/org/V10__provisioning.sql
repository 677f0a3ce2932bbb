-- The provisioning engine signs in as one user of its own: no email, no organization, never a
-- platform admin. The access policy gives it the provisioning permissions in every organization.
ALTER TABLE users ADD COLUMN provisioner boolean NOT NULL DEFAULT false;
ALTER TABLE users DROP CONSTRAINT users_human_or_service;
ALTER TABLE users ADD CONSTRAINT users_human_or_service CHECK (CASE WHEN provisioner
  THEN email IS NULL AND service_org_id IS NULL AND NOT platform_admin
  ELSE (email IS NULL) = (service_org_id IS NOT NULL) END);
-- Audit writes ask "is this actor the provisioner?" on every insert; this keeps it an index lookup.
CREATE INDEX users_provisioner_idx ON users (id) WHERE provisioner;

-- Which template and provisioning job an organization was copied from ({templateId, jobId}).
ALTER TABLE organizations ADD COLUMN provisioned_from jsonb;

-- The provisioning job whose request made the change, for tracing a copy end to end.
ALTER TABLE audit_events ADD COLUMN job_id uuid;
