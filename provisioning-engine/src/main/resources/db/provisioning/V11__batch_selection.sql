-- How a batch's targets were chosen: named in its request (explicit), or selected by the engine as every
-- organization of the template's group made from the template (provisionedFrom), so a list tells a rollout of a
-- template's changes from a hand-picked batch.
ALTER TABLE batches ADD COLUMN selection text NOT NULL DEFAULT 'explicit'
  CHECK (selection IN ('explicit', 'provisionedFrom'));
