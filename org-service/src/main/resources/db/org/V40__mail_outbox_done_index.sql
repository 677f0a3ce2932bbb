-- The hourly purge of mails done (MailOutbox.donePurge) looked for them by a scan of the whole outbox, a week of
-- every mail sent, once per batch it deletes; its rows are found by this index now.
CREATE INDEX mail_outbox_done_idx ON mail_outbox (created_at) WHERE state <> 'pending';
