-- Organization group names are unique regardless of case, compared as the API takes them: trimmed.
-- Names stored before the API trimmed them are trimmed here; a blank one becomes 'group-<id>'.
UPDATE organization_groups
   SET name = CASE WHEN regexp_replace(name, '^\s+|\s+$', '', 'g') = '' THEN 'group-' || id
                   ELSE regexp_replace(name, '^\s+|\s+$', '', 'g') END
 WHERE name ~ '^\s|\s$' OR name = '';

-- Of groups that share a name, the one a platform admin made keeps it (else the oldest); each other one takes its
-- id after the name, 'acme-<id>', as an organization's own group does when its organization's name is a group's
-- already (see OrganizationRepository). The name is cut to keep within the API's 256 characters.
UPDATE organization_groups g SET name = left(d.name, 219) || '-' || d.id
  FROM (SELECT id, name, row_number() OVER (PARTITION BY lower(name) ORDER BY made_for_organization, created_at, id) AS n
          FROM organization_groups) d
 WHERE g.id = d.id AND d.n > 1;

CREATE UNIQUE INDEX organization_groups_name_key ON organization_groups (lower(name));
