-- Outbox of hook deliveries: one row per (event, subscribed hook), written in the transaction of the
-- change that caused the event, so an event is delivered if and only if its change committed.
CREATE TABLE hook_deliveries (
  id              bigserial PRIMARY KEY,
  org_id          uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  hook_id         uuid NOT NULL,
  event           text NOT NULL,
  payload         jsonb NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (org_id, hook_id) REFERENCES hooks (org_id, id) ON DELETE CASCADE
);
CREATE INDEX hook_deliveries_due_idx ON hook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX hook_deliveries_hook_idx ON hook_deliveries (org_id, hook_id, id);

-- Every attempt, for GET .../hooks/{id}/deliveries.
CREATE TABLE hook_delivery_attempts (
  delivery_id  bigint NOT NULL REFERENCES hook_deliveries (id) ON DELETE CASCADE,
  attempt      integer NOT NULL,
  status_code  integer,
  error        text,
  duration_ms  integer NOT NULL,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (delivery_id, attempt)
);
