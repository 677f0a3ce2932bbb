-- A cheap change that still needs the table to itself for an instant: what an old instance's transaction delays.
ALTER TABLE gadgets ADD COLUMN colour text;
