-- An organization's deletion deletes its audit trail, but deleted it before the organization's row until session 35:
-- an event a write recorded meanwhile (an invitee's decline, a setup object's deletion) stayed with the deleted
-- organization's id, which no API reads and nothing ever purged, an invitee's address among them. They go now, as
-- they would have with the rest of the trail. Events of no organization (organization.deleted, a group's) stay.
DELETE FROM org.audit_events e
  WHERE e.org_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM org.organizations o WHERE o.id = e.org_id);
