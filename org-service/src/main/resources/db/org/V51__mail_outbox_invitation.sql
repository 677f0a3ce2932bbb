-- The invitation a mail invites to accept, so that its end takes the mail with it: a mail still pending when its
-- invitation was withdrawn, declined or accepted went out all the same, asking its addressee to accept an invitation
-- that no longer existed (only an organization's deletion took its mails, V46). Account mails name none.
ALTER TABLE mail_outbox ADD COLUMN invitation_id uuid REFERENCES invitations (id) ON DELETE CASCADE;
-- What the cascade finds an invitation's mails by, not by a scan of every mail kept.
CREATE INDEX mail_outbox_invitation_idx ON mail_outbox (invitation_id) WHERE invitation_id IS NOT NULL;
-- Mails queued before, not yet sent: linked to the invitation their body names, if it is still there, and dropped
-- if it is not, as its end would have dropped them.
UPDATE mail_outbox m SET invitation_id = i.id FROM invitations i
  WHERE m.state = 'pending' AND m.org_id = i.org_id AND position(i.id::text IN m.body) > 0;
DELETE FROM mail_outbox WHERE state = 'pending' AND org_id IS NOT NULL AND invitation_id IS NULL;
