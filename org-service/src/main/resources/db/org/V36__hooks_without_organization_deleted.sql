-- organization.deleted left the hook event catalog: it was never delivered, since an organization's hooks go with
-- it. Hooks subscribed to it before drop it, so what they show can be sent back as it is (a replace, a copy).
UPDATE hooks SET events = array_remove(events, 'organization.deleted'), updated_at = now()
  WHERE 'organization.deleted' = ANY (events);
