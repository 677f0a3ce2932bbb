-- requested_by: the requester of the provisioning job an invitation was made for (the engine names them with
-- Orgplane-Requester-Id), null for every other invitation. Accepting refuses it to them unless they are a platform
-- admin (InviterReach): inviting their own address is refused when it is made, but an address of theirs no account
-- used yet, taken by their account afterwards, made a group admin the owner of another admin's tenant (until session
-- 42). Invitations made before this migration name no requester: those the engine made for a job are accepted as
-- before. No foreign key: the requester's account deleted, the uuid names no one who could accept, while the key's
-- ON DELETE would read the invitations at each account's deletion. No default, so the column is added without
-- touching the rows.
ALTER TABLE invitations ADD COLUMN requested_by uuid;
