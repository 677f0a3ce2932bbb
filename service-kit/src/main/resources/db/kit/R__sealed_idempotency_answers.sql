-- From here on a key is stored as a digest and its answer sealed under the key (kit KeptAnswers): the answers kept
-- in the clear before, some holding secrets shown once, go now rather than in a day. A retry of a request made
-- before the upgrade runs again. Repeatable (Flyway runs it once per database, and again only if this file changes:
-- never change it), since a kit migration with a version would put the services' own out of order.
DELETE FROM idempotency_keys;
