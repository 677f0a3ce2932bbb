-- Until V34 removing a service user through the members' API (or its leaving) took its membership and left the
-- service user: out of reach (no longer listed nor deletable, never to be added again) while its credentials still
-- signed it in. Each was meant to go, so each goes now, its credentials with it, as a deleted service user does.
DELETE FROM users u WHERE u.service_org_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = u.service_org_id AND m.user_id = u.id);
