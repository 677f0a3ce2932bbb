-- A hook activated again has the whole failure allowance again (README): an automatic deactivation restarts the count
-- itself (DeliveryOutcomes), but an admin's pause kept it, so a hook paused at one failure short was deactivated by
-- the first failure after it was activated again. Hooks are written by the setup objects' generic upsert, hence a
-- trigger; its WHEN keeps every other write of a hook (imports' thousands included) free of a function call.
CREATE FUNCTION hook_activation_restarts_failure_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.consecutive_failures := 0;
  RETURN NEW;
END $$;
CREATE TRIGGER hooks_activation_restarts_failure_count BEFORE UPDATE OF active ON hooks
  FOR EACH ROW WHEN (NOT OLD.active AND NEW.active) EXECUTE FUNCTION hook_activation_restarts_failure_count();
