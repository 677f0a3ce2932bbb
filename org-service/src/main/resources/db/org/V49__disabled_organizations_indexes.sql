-- The organization list's state=disabled, in either order (by name, or by id): the few disabled organizations come
-- from these, where the walk of every name or id in order read all the enabled ones on the way (a page that finds
-- fewer than a page's worth reads them all). Measured on 110k organizations, 1,100 of them disabled: the platform
-- admin's first page by name 117 ms before, 0.3 ms after, by id 19 and 0.3 ms; a member of 3,000 organizations 503
-- and 26 ms. state=enabled, nearly every organization, is served by the walk as before.
CREATE INDEX organizations_disabled_name_idx ON organizations (name) WHERE state = 'disabled';
CREATE INDEX organizations_disabled_id_idx ON organizations (id) WHERE state = 'disabled';
