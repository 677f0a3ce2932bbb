-- The mails with a one-time token (a password reset, an address's verification, an address change) sent this hour,
-- kept an hour (AccountMails): each kind goes at most so many times an hour to one account and to one address. Kept
-- apart from the tokens, which a new password, a sign-out everywhere, a confirmed change of address and the account's
-- deletion delete: counting those let a caller start the hour over. No reference to the account, for that reason too:
-- an address registered, deleted and registered again is still the one address. The address is kept lowercased.
CREATE TABLE account_mails (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL,
  user_id    uuid NOT NULL,
  email      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_mails_user_idx ON account_mails (user_id, kind, created_at);
CREATE INDEX account_mails_email_idx ON account_mails (email, kind, created_at);
CREATE INDEX account_mails_created_idx ON account_mails (created_at);

-- the tokens of the last hour still kept count as before the upgrade
INSERT INTO account_mails (kind, user_id, email, created_at)
SELECT 'org.password_resets', r.user_id, lower(u.email), r.created_at
FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.created_at > now() - interval '1 hour'
UNION ALL
SELECT 'org.email_verifications', v.user_id, lower(u.email), v.created_at
FROM email_verifications v JOIN users u ON u.id = v.user_id WHERE v.created_at > now() - interval '1 hour'
UNION ALL
SELECT 'org.email_changes', c.user_id, lower(c.new_email), c.created_at
FROM email_changes c WHERE c.created_at > now() - interval '1 hour';
