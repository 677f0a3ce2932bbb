-- Password guessing is slowed per account (SignInThrottle): a row per email address that failed to sign in
-- lately, known to us or not (the answers must not tell which). Gone on success, or an hour after the last failure.
CREATE TABLE sign_in_failures (
  email           text PRIMARY KEY,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);

CREATE INDEX sign_in_failures_last_idx ON sign_in_failures (last_failure_at);
