-- A caller's batches filtered by how their targets were chosen, in id order: a requester's few rollouts are found
-- without walking every hand-picked batch of theirs.
CREATE INDEX batches_requested_by_selection_idx ON batches (requested_by, selection, id);
