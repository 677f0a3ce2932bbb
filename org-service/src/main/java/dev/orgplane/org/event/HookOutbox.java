package dev.orgplane.org.event;

/**
 * Queues an organization event for every active hook of that organization that subscribes to it,
 * as part of the statement that audits it ({@code AuditLog}), inside the caller's transaction: the
 * event goes out if and only if the change that caused it commits.
 */
public final class HookOutbox {

  private HookOutbox() {
  }

  /**
   * The statement that queues, for each row of the relation {@code events} (its {@code org_id}, the event's
   * {@code id}, {@code event}, {@code target} and {@code details}), a delivery to every subscribed active hook
   * of that organization; {@code $occurredAt} is the parameter saying when.
   */
  public static String deliveriesOf(String events, int occurredAt) {
    return deliveriesOf(events, occurredAt, "(SELECT org_id, id, events FROM org.hooks WHERE active)");
  }

  /**
   * {@link #deliveriesOf(String, int)}, but to the subscribed hooks of the relation {@code listeners} (their {@code
   * org_id}, {@code id} and {@code events}) rather than to the active ones the statement's snapshot shows: for a
   * statement that changes hooks itself, or has to hold those it delivers to (one deleted since the snapshot would
   * fail the deliveries' foreign key).
   */
  public static String deliveriesOf(String events, int occurredAt, String listeners) {
    return "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) "
        + "SELECT h.org_id, h.id, e.event, jsonb_build_object('id', e.id, 'event', e.event, 'organizationId', "
        + "e.org_id, 'target', e.target, 'details', e.details, 'occurredAt', $" + occurredAt + "::text) "
        + "FROM " + events + " e JOIN " + listeners + " h ON h.org_id = e.org_id WHERE e.event = ANY (h.events)";
  }
}
