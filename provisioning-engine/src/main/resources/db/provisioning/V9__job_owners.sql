-- The owner a job's new organization is to have, as the request named them (invited once the template is copied),
-- and what inviting them came to: invited, already_invited (the address held a pending owner invitation),
-- already_member, planned (a dry run). NULL until the job has asked.
ALTER TABLE jobs ADD COLUMN owner_email text,
  ADD COLUMN owner_invitation text
    CHECK (owner_invitation IN ('invited', 'already_invited', 'already_member', 'planned'));
