-- An organization's service users as their list pages through them (ServiceUserRepository.LIST, by id after the
-- cursor): with V26's index on service_org_id alone a page read all of the organization's and sorted them, or walked
-- every user after the cursor, of any organization. This one reads a page in order and stops at its end; it serves
-- what V26's did too (service_org_id = $1, and deleting an organization's service users through the foreign key), so
-- V60 drops that one. Built as new migrations build indexes on a table that grows with use (README, Writing a
-- migration): outside a transaction (V59__service_users_by_organization_and_id.sql.conf), waiting as long as it
-- takes for the transactions before it, and blocking none of them; one index a script.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY users_service_org_id_idx ON users (service_org_id, id) WHERE service_org_id IS NOT NULL;
RESET lock_timeout;
