-- The organization list's search, q (name or title ILIKE '%term%'), read every organization: no b-tree serves a
-- pattern with a leading wildcard. pg_trgm's GIN indexes do, for a term of three characters or more (the trigrams
-- the index holds); a shorter term has none, and is planned as before (the name walk, or a read of every row).
-- Measured on 110k organizations, a term no organization holds (q=zzz): the platform admin's first page 164 ms
-- before, 0.7 ms after; a member of 3,000 organizations 297 ms and 3-6 ms. See docs/BENCHMARKS.md, session 32.
--
-- pg_trgm ships with PostgreSQL (contrib; the embedded PostgreSQL and the official images have it) and is trusted
-- since PostgreSQL 13: a user with CREATE on the database, its owner say, may create it. Where the service's user
-- may not, an administrator creates it beforehand, in any schema: the indexes name its operator class wherever it is.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DO $$
DECLARE
  trgm text := (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm');
BEGIN
  EXECUTE format('CREATE INDEX organizations_name_trgm_idx ON organizations USING gin (name %s.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX organizations_title_trgm_idx ON organizations USING gin (title %s.gin_trgm_ops)', trgm);
END
$$;
