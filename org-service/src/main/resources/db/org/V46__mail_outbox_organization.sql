-- The organization a mail is sent in the name of (an invitation's), so that its deletion takes the mail with it: a
-- mail still pending when its organization was deleted went out all the same, inviting the address to accept an
-- invitation that no longer existed. Account mails (verification, password reset, address change) name none.
-- Mails queued before this version name none either, and go out as they did.
ALTER TABLE mail_outbox ADD COLUMN org_id uuid REFERENCES organizations (id) ON DELETE CASCADE;
-- What the deletion's cascade finds the organization's mails by, not by a scan of every mail kept.
CREATE INDEX mail_outbox_org_idx ON mail_outbox (org_id) WHERE org_id IS NOT NULL;
