-- What a group admin's powers leave behind must end with their adminship.
--
-- create_key_rotated_by: the group admin who rotated the group's create key, whose key is voided (create_key_hash
-- NULL) when their adminship of the group ends (revoked, their account deleted); null for a key a platform admin made
-- or rotated, which stays until rotated. It names a current admin of the group, so it needs no foreign key (whose
-- ON DELETE would read every group at each account's deletion): the voiding clears it first.
ALTER TABLE organization_groups ADD COLUMN create_key_rotated_by uuid;

-- Keys rotated before this migration, by their latest rotation in the audit trail: one whose rotator still runs the
-- group is theirs; one whose rotator no longer does (revoked, their account deleted) and is no platform admin is
-- voided, as their revocation voids it now. Groups with no such event (a key from the group's creation) stay.
UPDATE organization_groups g
  SET create_key_rotated_by = CASE WHEN latest.admin THEN latest.user_id END,
      create_key_hash = CASE WHEN latest.admin OR latest.platform_admin THEN g.create_key_hash END
  FROM (SELECT DISTINCT ON (e.target) e.target, u.id AS user_id, coalesce(u.platform_admin, false) AS platform_admin,
          EXISTS (SELECT 1 FROM group_admins ga WHERE ga.user_id = u.id
            AND 'organization_group:' || ga.group_id = e.target) AS admin
        FROM audit_events e LEFT JOIN users u ON u.id::text = e.actor
        WHERE e.org_id IS NULL AND e.action = 'organization_group.create_key_rotated'
        ORDER BY e.target, e.id DESC) latest
  WHERE latest.target = 'organization_group:' || g.id AND g.create_key_hash IS NOT NULL;

-- created_by: who made the account with POST /v1/users. A group admin adds by id an account in no organization only
-- if an admin of the organization's group made it; accounts made before this migration are made by no one known,
-- and are invited instead. No foreign key: a maker whose account is deleted is no admin of any group, and reaches
-- nothing through it, while the key's ON DELETE would read every account at each deletion.
ALTER TABLE users ADD COLUMN created_by uuid;
