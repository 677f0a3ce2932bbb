-- A batch's jobs are listed in id order: with only (batch_id, status) each page read and sorted every job of
-- the batch (up to 1000) to keep a page of them. (batch_id, status) stays for the claim's count of a batch's
-- running jobs.
CREATE INDEX jobs_batch_id_idx ON jobs (batch_id, id);
