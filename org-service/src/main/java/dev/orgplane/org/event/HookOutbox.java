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
    return deliveriesOf(events, occurredAt, null);
  }

  /**
   * {@link #deliveriesOf(String, int)}, but not to the hook each event names in its column {@code exceptHook}: one
   * the same statement deactivates, which the statement's snapshot still shows active.
   */
  public static String deliveriesOf(String events, int occurredAt, String exceptHook) {
    return "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) "
        + "SELECT h.org_id, h.id, e.event, jsonb_build_object('id', e.id, 'event', e.event, 'organizationId', "
        + "e.org_id, 'target', e.target, 'details', e.details, 'occurredAt', $" + occurredAt + "::text) "
        + "FROM " + events + " e JOIN org.hooks h ON h.org_id = e.org_id WHERE h.active AND e.event = ANY (h.events)"
        + (exceptHook == null ? "" : " AND h.id <> e." + exceptHook);
  }
}
