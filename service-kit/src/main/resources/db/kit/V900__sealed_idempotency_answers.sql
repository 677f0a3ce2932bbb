-- From here on a key is stored as a digest and its answer sealed under the key (kit KeptAnswers): the answers kept
-- in the clear before, some holding secrets shown once, go now rather than in a day. A retry of a request made
-- before the upgrade runs again.
DELETE FROM idempotency_keys;
