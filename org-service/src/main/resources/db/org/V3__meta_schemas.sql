-- JSON Schemas that organization metadata (and later other objects) must satisfy.
CREATE TABLE meta_schemas (
  name       text PRIMARY KEY,
  schema     jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO meta_schemas (name, schema) VALUES ('organization', '{
  "type": "object", "additionalProperties": false,
  "properties": {
    "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 256}},
    "description": {"type": "string", "maxLength": 4096}}}');
