package dev.orgplane.org.audit;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.org.event.HookEvents;
import dev.orgplane.org.event.HookOutbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes audit events; callers pass their transaction's connection so the event commits with the
 * change. An audited action that is also a hook event (same name) is queued for the organization's
 * hooks in the same transaction.
 *
 * <p>The provisioning engine names the job it works for in the {@value #JOB_HEADER} header, so a copy
 * can be traced end to end. The header is kept only when the actor is the provisioner, decided by the
 * insert itself from the users row: anyone else could send it to blame their changes on a job.
 */
public final class AuditLog {

  public static final String JOB_HEADER = "Orgplane-Job-Id";

  private AuditLog() {
  }

  /** One event, in one statement: the audit row and, for a hook event, its deliveries (see {@link #recordAll}). */
  public static Future<Void> record(SqlClient tx, RoutingContext ctx, UUID orgId, String actor, String action,
      String target, JsonObject details) {
    return recordAll(tx, ctx, orgId, actor, List.of(new Event(action, target, details)));
  }

  /**
   * The same hook event in every organization {@code member} belongs to, and queued for their hooks as {@link #record}
   * does, in one statement whatever their number: what the end of an account writes before its memberships go.
   */
  public static Future<Void> recordInOrganizationsOf(SqlClient tx, RoutingContext ctx, UUID member, String actor,
      String action, String target, JsonObject details) {
    if (!HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is no hook event: audit it in each organization with record");
    }
    var inTheirOrganizations = "(SELECT org_id, $3::text AS action, $4::text AS target, $5::jsonb AS details "
        + "FROM org.memberships WHERE user_id = $1) m";
    return tx.preparedQuery("WITH " + hookEventsOf(inTheirOrganizations, new Actor("$2", "$6", "NULL"), null, 7)
            + " SELECT 1")
        .execute(Tuple.of(member, actor, action, target, details, RequestIds.of(ctx), Instant.now().toString()))
        .mapEmpty();
  }

  /** The actor of what the platform does by itself, on no one's request. */
  public static final String PLATFORM = "system";

  /**
   * The actor of what the platform's operator does at its command line ({@code orgplane admin}): it works on the
   * database directly, with no account's token, so no one more particular can be named.
   */
  public static final String OPERATOR = "operator";

  /**
   * A platform-wide event (of no organization, so for no hooks) that no request made: by {@link #OPERATOR} at the
   * command line, or by {@link #PLATFORM} at start-up; with neither request nor job id.
   */
  public static Future<Void> recordUnrequested(SqlClient tx, String actor, Event event) {
    return recordAll(tx, null, null, null, actor, List.of(event));
  }

  /**
   * Events in the organization {@code orgId} that no request made, by the operator at the command line: each queued
   * for the organization's hooks, as {@link #recordAll} queues it.
   */
  public static Future<Void> recordUnrequested(SqlClient tx, UUID orgId, String actor, List<Event> events) {
    return recordAll(tx, null, null, orgId, actor, events);
  }

  /**
   * The CTEs recording a hook event the platform caused by itself, on no request, to go in a statement's WITH list:
   * for each row of {@code relation} (its {@code org_id}, {@code target} and {@code details}), the audit event {@code
   * action} by {@value #PLATFORM} and, as {@link #record} does, its delivery to the organization's subscribed hooks
   * among the relation {@code listeners} (see {@link HookOutbox#deliveriesOf(String, int, String)}); {@code
   * $occurredAt} says when. {@code action} is a constant of the caller's, never input.
   */
  public static String platformHookEventsOf(String relation, String action, String listeners, int occurredAt) {
    return hookEventsOf("(SELECT org_id, '" + action + "'::text AS action, target, details FROM " + relation
        + ") p", Actor.THE_PLATFORM, listeners, occurredAt);
  }

  /** Who an audit event is by, as SQL the audit insert selects: the actor, the request and the job it came in. */
  private record Actor(String id, String requestId, String jobId) {
    static final Actor THE_PLATFORM = new Actor("'" + PLATFORM + "'", "NULL", "NULL");
  }

  /**
   * The CTEs {@code audited}, {@code events} and {@link HookOutbox}'s ({@code subscribed}, {@code payloads}, {@code
   * delivered}) that every hook event goes through: for each row of {@code rows} (its {@code org_id}, {@code action},
   * {@code target} and {@code details}), the audit event by {@code actor}, and its delivery to the organization's
   * hooks subscribed to it: its active ones, or those of the relation {@code listeners} (see {@link
   * HookOutbox#deliveriesOf(String, int, String)}); {@code $occurredAt} says when.
   */
  private static String hookEventsOf(String rows, Actor actor, String listeners, int occurredAt) {
    return "audited AS (" + INSERT + "SELECT org_id, " + actor.id() + ", action, target, details, "
        + actor.requestId() + ", " + actor.jobId() + " FROM " + rows + "), "
        + "events AS (SELECT org_id, gen_random_uuid() AS id, action AS event, target, details FROM " + rows + "), "
        + (listeners == null ? HookOutbox.deliveriesOf("events", occurredAt)
            : HookOutbox.deliveriesOf("events", occurredAt, listeners));
  }

  /**
   * {@link #hookEventFor} for many events of one request, each in its own organization and job: the CTEs {@code
   * audited}, {@code events} and {@link HookOutbox}'s that audit the event {@code $first+1} by {@code $first} for each
   * row of {@code relation} (its {@code org_id}, {@code target}, {@code details} and {@code job_id}, kept as
   * {@link #JOB_HEADER} is: only if the actor is the provisioner) and queue each for the organization's subscribed
   * hooks; their parameters, numbered from {@code $first}, are {@link #hookEventsValues}.
   */
  public static String hookEventsFor(String relation, int first) {
    return hookEventsOf("(SELECT org_id, $" + (first + 1) + "::text AS action, target, details, job_id FROM " + relation
        + ") r", new Actor("$" + first, "$" + (first + 2), jobIfProvisioner(first, "r.job_id")), null, first + 3);
  }

  /** The parameters of {@link #hookEventsFor}. */
  public static Object[] hookEventsValues(RoutingContext ctx, String actor, String action) {
    if (!HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is no hook event: audit it with insertFor");
    }
    return new Object[] {actor, action, RequestIds.of(ctx), Instant.now().toString()};
  }

  /** One audit event of {@link #recordAll}: what was done to which target, with a summary. */
  public record Event(String action, String target, JsonObject details) {
  }

  /**
   * Many events of one request in one statement, in order: their audit rows and, for those that are hook
   * events of an organization, a delivery to each of its subscribed hooks, committed with the caller's change.
   */
  public static Future<Void> recordAll(SqlClient tx, RoutingContext ctx, UUID orgId, String actor, List<Event> events) {
    return recordAll(tx, RequestIds.of(ctx), jobId(ctx), orgId, actor, events);
  }

  private static Future<Void> recordAll(SqlClient tx, String requestId, UUID jobId, UUID orgId, String actor,
      List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(RECORD_ALL).execute(Tuple.of(orgId, actor, requestId, jobId,
            events.stream().map(Event::action).toArray(String[]::new),
            events.stream().map(Event::target).toArray(String[]::new),
            events.stream().map(event -> event.details().encode()).toArray(String[]::new))
        .addValue(Instant.now().toString()).addValue(HookEvents.CATALOG.toArray(String[]::new)))
        .mapEmpty();
  }

  /**
   * The audit insert for a statement that writes its change and the audit event at once (a
   * data-modifying CTE): one event per row of {@code relation} (none if the change wrote nothing),
   * with its parameters numbered from {@code $first}; {@link #values} are those parameters. The
   * action must not be a hook event: those go through {@link #record}.
   */
  public static String insertFor(String relation, int first) {
    return INSERT + "SELECT " + values(first) + " FROM " + relation;
  }

  /**
   * {@link #insertFor} for rows of several organizations: one event per row of {@code relation}, in its {@code org_id}
   * and of its {@code target}, with parameters numbered from {@code $first}; {@link #valuesForEach} are those
   * parameters. The action must not be a hook event: those go through {@link #recordInOrganizationsOf}.
   */
  public static String insertForEach(String relation, int first) {
    return INSERT + "SELECT org_id, $" + first + ", $" + (first + 1) + ", target, $" + (first + 2) + ", $" + (first + 3)
        + ", " + jobIfProvisioner(first, "$" + (first + 4)) + " FROM " + relation;
  }

  /**
   * {@link #insertFor} for an action that is a hook event: the CTEs {@code audited}, {@code events} and {@link
   * HookOutbox}'s, to go in a statement's WITH list, that audit one event per row of {@code relation} and queue each for
   * the organization's subscribed hooks, as {@link #record} does; their parameters, numbered from {@code $first},
   * are {@link #hookEventValues}.
   */
  public static String hookEventFor(String relation, int first) {
    return hookEventsOf("(SELECT $" + first + "::uuid AS org_id, $" + (first + 2) + "::text AS action, $" + (first + 3)
        + "::text AS target, $" + (first + 4) + "::jsonb AS details FROM " + relation + ") r",
        new Actor("$" + (first + 1), "$" + (first + 5), jobIfProvisioner(first + 1, "$" + (first + 6))), null, first + 7);
  }

  private static final String INSERT =
      "INSERT INTO org.audit_events (org_id, actor, action, target, details, request_id, job_id) ";
  /** The events as given, numbered; an organization's hook events among them are queued for its hooks. */
  private static final String RECORD_ALL = "WITH given AS (SELECT * FROM unnest($5::text[], $6::text[], $7::text[]) "
      + "WITH ORDINALITY AS g(action, target, details, n)), "
      + "audited AS (" + INSERT + "SELECT $1, $2, g.action, g.target, g.details::jsonb, $3, " + jobIfProvisioner(2, "$4")
      + " FROM given g ORDER BY g.n), "
      + "events AS (SELECT $1::uuid AS org_id, gen_random_uuid() AS id, g.action AS event, g.target, "
      + "g.details::jsonb AS details FROM given g WHERE $1 IS NOT NULL AND g.action = ANY ($9::text[])), "
      + HookOutbox.deliveriesOf("events", 8) + " SELECT 1";

  private static String values(int first) {
    return "$" + first + ", $" + (first + 1) + ", $" + (first + 2) + ", $" + (first + 3) + ", $" + (first + 4) + ", $"
        + (first + 5) + ", " + jobIfProvisioner(first + 1, "$" + (first + 6));
  }

  /** The job id {@code job} (SQL), kept only if the actor parameter names the provisioner (see the class comment). */
  private static String jobIfProvisioner(int actor, String job) {
    return "CASE WHEN EXISTS (SELECT 1 FROM org.users u WHERE u.provisioner AND u.id::text = $" + actor + ") THEN "
        + job + "::uuid END";
  }

  public static Object[] values(RoutingContext ctx, UUID orgId, String actor, String action, String target,
      JsonObject details) {
    if (orgId != null && HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is a hook event: record it with AuditLog.record or hookEventFor");
    }
    return new Object[] {orgId, actor, action, target, details, RequestIds.of(ctx), jobId(ctx)};
  }

  /** The parameters of {@link #insertForEach}. */
  public static Object[] valuesForEach(RoutingContext ctx, String actor, String action, JsonObject details) {
    if (HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is a hook event: record it with recordInOrganizationsOf");
    }
    return new Object[] {actor, action, details, RequestIds.of(ctx), jobId(ctx)};
  }

  /** The parameters of {@link #hookEventFor}: those of {@link #values}, and when the event occurred. */
  public static Object[] hookEventValues(RoutingContext ctx, UUID orgId, String actor, String action, String target,
      JsonObject details) {
    if (!HookEvents.CATALOG.contains(action)) {
      throw new IllegalArgumentException(action + " is no hook event: audit it with insertFor");
    }
    return new Object[] {orgId, actor, action, target, details, RequestIds.of(ctx), jobId(ctx),
        Instant.now().toString()};
  }

  /**
   * A statement's parameters: its own {@code values} first, then the {@code event}'s ({@link #hookEventValues}), whose
   * numbering {@link #hookEventFor} then starts after them.
   */
  public static Tuple withEvent(Object[] event, Object... values) {
    var all = Tuple.from(values);
    for (var value : event) {
      all.addValue(value);
    }
    return all;
  }

  /**
   * The job the request says it belongs to; a header that is no UUID as written says nothing, one that
   * {@link UUID#fromString} reads otherwise ({@code +0000000-...}) included: it named another job.
   */
  private static UUID jobId(RoutingContext ctx) {
    var header = ctx.request().getHeader(JOB_HEADER);
    return header == null ? null : Ids.orNull(header.trim());
  }
}
