-- Who disabled an organization, at which level: its own owners, the admin of its group, or a platform admin. Only
-- that level or a higher one enables it again, so an operator's suspension is not lifted by the owners it suspends.
-- An enum, as its order is the levels' order: statements compare levels with < and <=.
CREATE TYPE disable_level AS ENUM ('organization', 'group', 'platform');

ALTER TABLE organizations
  ADD COLUMN disabled_by disable_level,
  ADD COLUMN disabled_at timestamptz,
  ADD COLUMN disabled_reason text;

-- Organizations disabled before this could only be disabled by whoever held the permission: their own level. They
-- were disabled when their latest organization.disabled event says, or, without one, at their last change.
UPDATE organizations o SET disabled_by = 'organization',
  disabled_at = COALESCE((SELECT max(a.created_at) FROM audit_events a
                          WHERE a.org_id = o.id AND a.action = 'organization.disabled'), o.updated_at)
WHERE o.state = 'disabled';

ALTER TABLE organizations ADD CONSTRAINT organizations_disabled_check CHECK (
  (state = 'disabled') = (disabled_by IS NOT NULL) AND (disabled_by IS NULL) = (disabled_at IS NULL)
  AND (disabled_reason IS NULL OR disabled_by IS NOT NULL));
