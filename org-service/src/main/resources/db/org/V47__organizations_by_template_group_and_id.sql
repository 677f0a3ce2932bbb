-- A rollout's pages (the engine lists ?provisionedFrom=&groupId=&order=id) come from this index, as many rows as a
-- page holds, where (template, name) (V29) read every copy after the cursor and sorted it by id, on every page: a
-- rollout's reads grew with the square of its tenants. Measured on 110k organizations, 10k copies of one template
-- in its group, pages of 501: the middle page 0.5 ms (platform admin) and 1.8 ms (group admin) against 24 and 14 ms.
-- The planner takes it when random reads are costed as on SSDs (random_page_cost 1.1); at the default 4 it guesses
-- that few rows match both template and group (49 of 10k: it takes them for independent) and may still sort them.
CREATE INDEX organizations_template_group_id_idx ON organizations ((provisioned_from->>'templateId'), group_id, id)
  WHERE provisioned_from IS NOT NULL;
