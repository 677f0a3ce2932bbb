-- People who sign in with an external identity provider the operator trusts (ORGPLANE_TRUSTED_ISSUERS) exchange
-- its token for ours (RFC 8693). Each (issuer, subject) is one of our accounts, found by the provider's verified
-- address at its first exchange (made if there is none) and by this row from then on, whatever the address becomes.
CREATE TABLE external_identities (
  issuer     text NOT NULL,
  subject    text NOT NULL,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

CREATE INDEX external_identities_user_idx ON external_identities (user_id);
