-- A claim's lease is its delivery's next_attempt_at, pushed 30 s ahead (AttemptLease), yet V39's trigger set every
-- pending delivery of a hook paused to 'infinity' and of a hook activated again to now(), one being sent included:
-- paused and activated again during the send, it was due at once, and another instance (the sending one leaves the
-- hook out of its claims) sent it a second time alongside the first. A delivery under a live lease is left alone
-- now: it is claimed (due before 'infinity', but later than now) and its claim's attempt is not recorded yet (an
-- attempt recorded leaves it due after its backoff, to be parked). Its outcome parks it if the hook is still paused.
CREATE OR REPLACE FUNCTION hook_deliveries_due_while_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE org.hook_deliveries d SET next_attempt_at = CASE WHEN NEW.active THEN now() ELSE 'infinity' END
    WHERE d.org_id = NEW.org_id AND d.hook_id = NEW.id AND d.state = 'pending'
      AND NOT (d.next_attempt_at > now() AND d.next_attempt_at < 'infinity' AND d.attempts > 0
        AND NOT EXISTS (SELECT 1 FROM org.hook_delivery_attempts a WHERE a.delivery_id = d.id AND a.attempt = d.attempts));
  RETURN NULL;
END $$;
