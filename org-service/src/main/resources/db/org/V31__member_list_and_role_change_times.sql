-- A team's updated_at moves when its member list changes, whichever statement changes it: adding or removing a
-- team member, an import, and the cascades of a member leaving the organization or an account deleted. What a
-- copy of a team holds includes its members, so a diff can tell who changed them only if this time moves with them.
CREATE FUNCTION touch_teams_of_changed_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE org.teams t SET updated_at = now() FROM (SELECT DISTINCT org_id, team_id FROM changed_rows) c
    WHERE t.org_id = c.org_id AND t.id = c.team_id;
  RETURN NULL;
END $$;

CREATE TRIGGER team_members_joined AFTER INSERT ON team_members REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION touch_teams_of_changed_members();
CREATE TRIGGER team_members_left AFTER DELETE ON team_members REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION touch_teams_of_changed_members();

-- A membership's last change of roles; until now only when it began was kept.
ALTER TABLE memberships ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE memberships SET updated_at = created_at;
