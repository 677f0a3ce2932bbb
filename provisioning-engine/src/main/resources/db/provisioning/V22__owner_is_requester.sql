-- A dry run's job knows whether the owner it names is the address of whoever queued it: the plan of a tenant it adopts
-- then fails as the real run does, whose invitation org-service refuses them there (self_grant_refused), rather than
-- planning it. A constant default: the jobs' rows are not rewritten; those from before know nothing, as before.
ALTER TABLE jobs ADD COLUMN owner_is_requester boolean NOT NULL DEFAULT false;
