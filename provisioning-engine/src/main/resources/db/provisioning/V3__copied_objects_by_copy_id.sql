-- A copy's id is a function of the target and the template id, so "was template object S copied
-- here?" is a lookup of copy id f(target, S): the primary key answers both questions, and the
-- second index only cost every recorded copy an index write.
DROP INDEX copied_objects_source_idx;
