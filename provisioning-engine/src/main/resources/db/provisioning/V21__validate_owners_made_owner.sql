-- V20's wider check of the jobs' owner invitations, validated apart from the lock V20 took (no row can fail it: it
-- allows every value the check it replaced did).
ALTER TABLE jobs VALIDATE CONSTRAINT jobs_owner_invitation_check;
