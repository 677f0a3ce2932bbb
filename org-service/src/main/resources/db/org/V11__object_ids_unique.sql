-- Object ids are unique in the whole deployment, not only within their organization: an import that
-- names another tenant's id is refused (409 id_taken) instead of making a second object under it.
CREATE UNIQUE INDEX workspaces_id_key ON workspaces (id);
CREATE UNIQUE INDEX schemas_id_key ON schemas (id);
CREATE UNIQUE INDEX queues_id_key ON queues (id);
CREATE UNIQUE INDEX hooks_id_key ON hooks (id);
CREATE UNIQUE INDEX teams_id_key ON teams (id);
