-- The organization list's filters on what an organization was copied from and on its metadata (measured on 200k
-- organizations, a platform admin's first page, planned with the values): a template's copies come in name order
-- from the first index, a page at a time however many there are (0.3 ms); the second answers containment,
-- metadata @> '{"key": "value"}', without reading every organization's metadata (a value 200 hold: 0.5 ms; the
-- name walk a plan without the value takes: 160 ms).
CREATE INDEX organizations_template_name_idx ON organizations ((provisioned_from->>'templateId'), name)
  WHERE provisioned_from IS NOT NULL;
CREATE INDEX organizations_metadata_idx ON organizations USING gin (metadata jsonb_path_ops);
