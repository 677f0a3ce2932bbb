-- Who queued a job last: its requester, or whoever retried it since. A new target organization is made
-- owned by them, not by a requester who may have lost their rights by the time of the retry. NULL
-- (every job before this) means the requester.
ALTER TABLE jobs ADD COLUMN queued_by uuid;
