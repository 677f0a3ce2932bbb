-- A page of an organization's roles in id order (?order=id, how the engine copies them: a rename between two pages
-- moved a role past a copy's cursor by name), without sorting all of them: roles' primary key is the id alone.
CREATE INDEX roles_org_id_idx ON roles (org_id, id);
