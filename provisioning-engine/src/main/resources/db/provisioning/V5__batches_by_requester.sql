-- A caller's batches are listed in id order: without this index each page walked every batch of
-- every caller until it had found a page of the caller's.
CREATE INDEX batches_requested_by_idx ON batches (requested_by, id);
