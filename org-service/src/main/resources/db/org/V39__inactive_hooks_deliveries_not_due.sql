-- The pending deliveries of an inactive hook wait for it (HookDispatcher's claim skips them), yet stayed due on
-- hook_deliveries_due_idx: every claim walked them all again, 71-140 ms a claim with 200,000 held back. They are due
-- at 'infinity' now, past every claim's range, while their hook is inactive, and due at once when it is active again.
-- Deactivating a hook of many deliveries writes them all, once, in its statement; an automatic deactivation too.
CREATE FUNCTION hook_deliveries_due_while_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE org.hook_deliveries SET next_attempt_at = CASE WHEN NEW.active THEN now() ELSE 'infinity' END
    WHERE org_id = NEW.org_id AND hook_id = NEW.id AND state = 'pending';
  RETURN NULL;
END $$;
CREATE TRIGGER hooks_deliveries_due_while_active AFTER UPDATE OF active ON hooks
  FOR EACH ROW WHEN (OLD.active <> NEW.active) EXECUTE FUNCTION hook_deliveries_due_while_active();

UPDATE hook_deliveries d SET next_attempt_at = 'infinity' FROM hooks h
  WHERE h.org_id = d.org_id AND h.id = d.hook_id AND NOT h.active AND d.state = 'pending';
