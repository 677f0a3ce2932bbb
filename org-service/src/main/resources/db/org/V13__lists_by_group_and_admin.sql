-- A group's organizations are listed by name: with (group_id) alone every page of a group of
-- thousands of tenants sorted all of them. (group_id, name) serves that page and the foreign key alike.
CREATE INDEX organizations_group_name_idx ON organizations (group_id, name);
DROP INDEX organizations_group_idx;

-- A group admin's groups (and their organizations, in the organization list) are found by user.
CREATE INDEX group_admins_user_idx ON group_admins (user_id, group_id);
