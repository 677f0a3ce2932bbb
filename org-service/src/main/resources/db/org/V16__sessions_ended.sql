-- Sessions end on more than a new password now (a sign-out everywhere too): tokens issued before this
-- second are refused (TokenRevocations), whatever ended them.
ALTER TABLE users RENAME COLUMN password_changed_at TO sessions_ended_at;
ALTER INDEX users_password_changed_idx RENAME TO users_sessions_ended_idx;
