-- Copies and imports write thousands of one organization's setup objects per statement. A row-level
-- foreign key to organizations checked (and share-locked) that same organization again for every row:
-- about 3 us of a copied queue's 20 us, and half of an imported (upserted) queue's. These tables check
-- it once per statement instead. The price is a trigger call per statement, about 10 us more for a
-- write of one object, which is the rare case for these tables. Integrity stays in the database and
-- looks the same from outside: a statement naming a missing organization fails with 23503 and the
-- constraint name the foreign key had, an object never moves to another organization, and deleting an
-- organization deletes its objects.
CREATE FUNCTION organization_of_new_rows_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing uuid;
BEGIN
  -- one query; FOR KEY SHARE is the foreign key's own lock: the organization cannot be deleted until
  -- this transaction ends
  SELECT n.org_id INTO missing FROM (SELECT DISTINCT org_id FROM new_rows) n
    WHERE NOT EXISTS (SELECT 1 FROM org.organizations o WHERE o.id = n.org_id FOR KEY SHARE) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
      MESSAGE = format('insert on table "%s" violates foreign key constraint "%s_org_id_fkey"', TG_TABLE_NAME,
        TG_TABLE_NAME),
      DETAIL = format('Key (org_id)=(%s) is not present in table "organizations".', missing),
      SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, CONSTRAINT = TG_TABLE_NAME || '_org_id_fkey';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION organization_never_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
    MESSAGE = format('the org_id of a row of "%s" never changes', TG_TABLE_NAME),
    SCHEMA = TG_TABLE_SCHEMA, TABLE = TG_TABLE_NAME, CONSTRAINT = TG_TABLE_NAME || '_org_id_fkey';
END $$;

-- what ON DELETE CASCADE did; hooks first, so their deliveries go by their own foreign key
CREATE FUNCTION delete_setup_objects_of_organization() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM org.hooks WHERE org_id = OLD.id;
  DELETE FROM org.queues WHERE org_id = OLD.id;
  DELETE FROM org.schemas WHERE org_id = OLD.id;
  DELETE FROM org.workspaces WHERE org_id = OLD.id;
  RETURN NULL;
END $$;

ALTER TABLE workspaces DROP CONSTRAINT workspaces_org_id_fkey;
ALTER TABLE schemas DROP CONSTRAINT schemas_org_id_fkey;
ALTER TABLE queues DROP CONSTRAINT queues_org_id_fkey;
ALTER TABLE hooks DROP CONSTRAINT hooks_org_id_fkey;

CREATE TRIGGER workspaces_org_id_fkey AFTER INSERT ON workspaces REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION organization_of_new_rows_exists();
CREATE TRIGGER schemas_org_id_fkey AFTER INSERT ON schemas REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION organization_of_new_rows_exists();
CREATE TRIGGER queues_org_id_fkey AFTER INSERT ON queues REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION organization_of_new_rows_exists();
CREATE TRIGGER hooks_org_id_fkey AFTER INSERT ON hooks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION organization_of_new_rows_exists();

CREATE TRIGGER workspaces_org_id_fixed BEFORE UPDATE OF org_id ON workspaces FOR EACH ROW
  WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id) EXECUTE FUNCTION organization_never_changes();
CREATE TRIGGER schemas_org_id_fixed BEFORE UPDATE OF org_id ON schemas FOR EACH ROW
  WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id) EXECUTE FUNCTION organization_never_changes();
CREATE TRIGGER queues_org_id_fixed BEFORE UPDATE OF org_id ON queues FOR EACH ROW
  WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id) EXECUTE FUNCTION organization_never_changes();
CREATE TRIGGER hooks_org_id_fixed BEFORE UPDATE OF org_id ON hooks FOR EACH ROW
  WHEN (OLD.org_id IS DISTINCT FROM NEW.org_id) EXECUTE FUNCTION organization_never_changes();

CREATE TRIGGER organizations_delete_setup_objects AFTER DELETE ON organizations FOR EACH ROW
  EXECUTE FUNCTION delete_setup_objects_of_organization();
