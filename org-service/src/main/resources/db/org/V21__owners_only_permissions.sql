-- Deleting and disabling an organization and importing setup objects with chosen ids are the owners' alone (and
-- group and platform admins'). Custom roles could carry them until now, so a manager could build a role holding
-- them and give it to anyone; such roles lose them here (the API refuses them from now on).
UPDATE roles
SET permissions = ARRAY(SELECT p FROM unnest(permissions) AS p
                        WHERE p NOT IN ('app_organization_delete', 'app_organization_disable', 'app_setup_import')),
    updated_at = now()
WHERE permissions && ARRAY['app_organization_delete', 'app_organization_disable', 'app_setup_import']::text[];
