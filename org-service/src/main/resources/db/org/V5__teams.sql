-- Teams ("groups" inside an organization). A team member must be a member of the organization:
-- the foreign key to memberships enforces it and, by cascading, removes a user from every team of an
-- organization in the same statement that removes them from the organization.
CREATE TABLE teams (
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  id         uuid NOT NULL,
  name       text NOT NULL,
  title      text NOT NULL DEFAULT '',
  metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, id),
  CONSTRAINT teams_name_key UNIQUE (org_id, name)
);

CREATE TABLE team_members (
  org_id  uuid NOT NULL,
  team_id uuid NOT NULL,
  user_id uuid NOT NULL,
  PRIMARY KEY (org_id, team_id, user_id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id) ON DELETE CASCADE,
  CONSTRAINT team_members_membership_fkey FOREIGN KEY (org_id, user_id)
    REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_user_idx ON team_members (org_id, user_id);
