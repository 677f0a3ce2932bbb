-- One id names one object of the deployment, whatever its kind, as V11 meant: a receiver of many organizations'
-- hooks may key objects by id alone. V11's indexes keep each kind's ids apart from that kind's only, so a workspace
-- could take a queue's id, in another organization or the queue's own. This registry holds the ids of every kind
-- that takes chosen ids; triggers keep it in the statement that inserts or deletes the objects, whatever writes them
-- (a PUT, a batch, a copy, an organization's deletion), with one INSERT or DELETE per statement, not per row. An id
-- another kind holds fails the write on object_ids_pkey, which the service answers as 409 id_taken (role_id_taken).
CREATE TABLE object_ids (
  id   uuid PRIMARY KEY,
  -- the table of the object holding the id
  kind text NOT NULL
);

-- An id two kinds shared before this migration is the oldest object's; the others keep it as they are, unregistered
-- (see object_ids_freed), and it is free once that oldest one is deleted.
INSERT INTO object_ids (id, kind)
  SELECT DISTINCT ON (id) id, kind FROM (
    SELECT id, 'workspaces' AS kind, created_at FROM workspaces
    UNION ALL SELECT id, 'schemas', created_at FROM schemas
    UNION ALL SELECT id, 'queues', created_at FROM queues
    UNION ALL SELECT id, 'hooks', created_at FROM hooks
    UNION ALL SELECT id, 'teams', created_at FROM teams
    UNION ALL SELECT id, 'roles', created_at FROM roles
  ) held
  ORDER BY id, created_at, kind;

CREATE FUNCTION object_ids_taken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org.object_ids (id, kind) SELECT id, TG_TABLE_NAME FROM new_rows;
  RETURN NULL;
END $$;

-- only the deleted kind's own rows: deleting an object that shared its id before this migration frees nothing
CREATE FUNCTION object_ids_freed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM org.object_ids o USING old_rows g WHERE o.id = g.id AND o.kind = TG_TABLE_NAME;
  RETURN NULL;
END $$;

CREATE TRIGGER workspaces_id_taken AFTER INSERT ON workspaces REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();
CREATE TRIGGER schemas_id_taken AFTER INSERT ON schemas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();
CREATE TRIGGER queues_id_taken AFTER INSERT ON queues REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();
CREATE TRIGGER hooks_id_taken AFTER INSERT ON hooks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();
CREATE TRIGGER teams_id_taken AFTER INSERT ON teams REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();
CREATE TRIGGER roles_id_taken AFTER INSERT ON roles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_taken();

CREATE TRIGGER workspaces_id_freed AFTER DELETE ON workspaces REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
CREATE TRIGGER schemas_id_freed AFTER DELETE ON schemas REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
CREATE TRIGGER queues_id_freed AFTER DELETE ON queues REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
CREATE TRIGGER hooks_id_freed AFTER DELETE ON hooks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
CREATE TRIGGER teams_id_freed AFTER DELETE ON teams REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
CREATE TRIGGER roles_id_freed AFTER DELETE ON roles REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION object_ids_freed();
