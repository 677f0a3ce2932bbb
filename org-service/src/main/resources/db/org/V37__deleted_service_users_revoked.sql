-- A deleted service user, by itself or with its organization, took its revoked credentials with it (a cascade) and
-- left no row here: the revocation list that the engine and operators' own services read no longer named its
-- tokens, so a credential revoked on purpose was good there again until its tokens expired. Deleting a user of
-- either kind now names it here in the statement that deletes it; a person's deletion did so already.
CREATE FUNCTION deleted_users_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO org.deleted_accounts (user_id) SELECT id FROM gone ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER users_deleted_listed AFTER DELETE ON users REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION deleted_users_listed();
