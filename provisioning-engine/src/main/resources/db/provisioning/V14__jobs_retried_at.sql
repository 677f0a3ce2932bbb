-- When a job was last retried (NULL: never): a retry runs the job again from its first step, and its runs read the
-- template anew, sharing their reading only with the jobs that retry queued (a batch's, retried in one statement,
-- share its now()), not with the pages the earlier runs read before the template changed.
ALTER TABLE jobs ADD COLUMN retried_at timestamptz;
