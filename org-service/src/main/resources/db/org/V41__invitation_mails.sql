-- The invitation mails each organization sent, kept an hour (InvitationMails): an address mailed less than an hour
-- ago is not mailed again when invited again, and an organization mails at most so many invitations an hour. Kept
-- apart from the invitations, which a withdrawal or a decline deletes: counting those let a sender start over.
CREATE TABLE invitation_mails (
  id         bigserial PRIMARY KEY,
  org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitation_mails_org_idx ON invitation_mails (org_id, created_at);
CREATE INDEX invitation_mails_created_idx ON invitation_mails (created_at);
