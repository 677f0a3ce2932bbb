-- A group made for an organization created without one belongs to it: deleting that organization deletes the group
-- when no other organization has joined it. Groups made before this column can be told apart by the create key
-- hash alone: platform admins' groups get one when made, an organization's own group only if a platform admin later
-- rotated one onto it (such a group is left as a group of theirs).
ALTER TABLE organization_groups ADD COLUMN made_for_organization boolean NOT NULL DEFAULT false;
UPDATE organization_groups SET made_for_organization = true WHERE create_key_hash IS NULL;

-- The empty groups left by organizations deleted before, which platform admins kept seeing.
DELETE FROM organization_groups g WHERE g.made_for_organization
  AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.group_id = g.id)
  AND NOT EXISTS (SELECT 1 FROM group_admins ga WHERE ga.group_id = g.id);
