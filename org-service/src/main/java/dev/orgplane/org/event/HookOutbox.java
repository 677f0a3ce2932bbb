package dev.orgplane.org.event;

/**
 * Queues an organization event for every active hook of that organization that subscribes to it,
 * as part of the statement that audits it ({@code AuditLog}), inside the caller's transaction: the
 * event goes out if and only if the change that caused it commits. The event's payload is stored once
 * ({@code hook_payloads}, V64), and each delivery names it: an event to 2,000 hooks was 2,000 copies of it.
 */
public final class HookOutbox {

  private HookOutbox() {
  }

  /**
   * The CTEs {@code subscribed}, {@code payloads} and {@code delivered}, to go in a statement's WITH list, that queue,
   * for each row of the relation {@code events} (its {@code org_id}, the event's {@code id}, {@code event}, {@code
   * target} and {@code details}), its payload and a delivery of it to every subscribed active hook of that
   * organization; {@code $occurredAt} is the parameter saying when. {@code events} is read twice, so it must name a
   * WITH query (read once, its {@code gen_random_uuid()} ids the same in both reads), never a subquery.
   */
  public static String deliveriesOf(String events, int occurredAt) {
    return deliveriesOf(events, occurredAt, "(SELECT org_id, id, events FROM org.hooks WHERE active)");
  }

  /**
   * {@link #deliveriesOf(String, int)}, but to the subscribed hooks of the relation {@code listeners} (their {@code
   * org_id}, {@code id} and {@code events}) rather than to the active ones the statement's snapshot shows: for a
   * statement that changes hooks itself, or has to hold those it delivers to (one deleted since the snapshot would
   * fail the deliveries' foreign key). {@code listeners} is read once: the payloads stored are those of the events
   * some delivery names, an event no hook hears stores none.
   */
  public static String deliveriesOf(String events, int occurredAt, String listeners) {
    return "subscribed AS (SELECT e.id AS event_id, h.org_id, h.id AS hook_id FROM " + events + " e JOIN " + listeners
        + " h ON h.org_id = e.org_id WHERE e.event = ANY (h.events)), "
        + "payloads AS (INSERT INTO org.hook_payloads (org_id, payload) SELECT e.org_id, jsonb_build_object('id', "
        + "e.id, 'event', e.event, 'organizationId', e.org_id, 'target', e.target, 'details', e.details, "
        + "'occurredAt', $" + occurredAt + "::text) FROM " + events + " e "
        + "WHERE e.id IN (SELECT event_id FROM subscribed) "
        + "RETURNING id, (payload ->> 'id')::uuid AS event_id, payload ->> 'event' AS event), "
        + "delivered AS (INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload_id) "
        + "SELECT s.org_id, s.hook_id, p.event, p.id FROM subscribed s JOIN payloads p USING (event_id) ORDER BY p.id)";
  }
}
