package dev.orgplane.org.organization;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.organization.OrganizationFields;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.identity.SessionEnds;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** SQL over {@code org.organizations}. */
final class OrganizationRepository {

  static final String NAME_TAKEN_CONSTRAINT = "organizations_name_key";

  private OrganizationRepository() {
  }

  /**
   * Creates the organization, its group when it gets one of its own ({@code newGroupId}), its owner's
   * membership and the audit event as ONE statement: atomic by itself, and one statement for PostgreSQL
   * to run where a transaction of its parts took six (a request with an Idempotency-Key wraps it in a
   * transaction with the answer kept for its retry, see {@code Replies.atomically}).
   *
   * <p>With {@code ownerMustBeACaller}, the statement also checks what a caller lookup would have: the
   * owner (who is then the caller) still exists and is no provisioner; if not, it writes nothing and
   * answers empty, and the caller takes the long way.
   */
  static Future<Optional<Organization>> create(SqlClient client, UUID id, OrganizationFields f, UUID groupId,
      UUID newGroupId, UUID ownerId, JsonObject provisionedFrom, Object[] audit, boolean ownerMustBeACaller) {
    var values = new Object[] {id, f.name(), f.title(), f.description(), f.avatar(), f.email(), f.website(),
        f.metadata() == null ? new JsonObject() : f.metadata(), groupId, newGroupId, provisionedFrom, ownerId};
    var all = new Object[values.length + audit.length];
    System.arraycopy(values, 0, all, 0, values.length);
    System.arraycopy(audit, 0, all, values.length, audit.length);
    return client.preparedQuery(ownerMustBeACaller ? CREATE_BY_CALLER : CREATE).mapping(Organization.MAPPER)
        .execute(Tuple.from(all))
        .map(rows -> rows.size() == 0 ? Optional.<Organization>empty() : Optional.of(rows.iterator().next()));
  }

  /**
   * An organization's own group is named after it, unless a group has that name already (group names are unique
   * regardless of case: a platform admin's group, say): then its id follows the name, as V27 named the groups that
   * shared one. Written as "the name, or on conflict the name with the id", not as a check before the insert: a group
   * of that name made while the statement runs (not yet visible to its check) would fail the founding; ON CONFLICT
   * waits for that group's transaction and takes the other name if it commits.
   */
  private static final String OWN_GROUP = "named_group AS (INSERT INTO org.organization_groups (id, name, "
      + "made_for_organization) SELECT $10, $2, true FROM allowed WHERE $10::uuid IS NOT NULL "
      + "ON CONFLICT ((lower(name))) DO NOTHING RETURNING id), "
      + "numbered_group AS (INSERT INTO org.organization_groups (id, name, made_for_organization) "
      + "SELECT $10, " + numbered("$2", "$10") + ", true FROM allowed "
      + "WHERE $10::uuid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM named_group)), ";

  /** The name an organization's own group takes when a group has {@code name} already: its id follows the name. */
  private static String numbered(String name, String groupId) {
    return name + "::text || '-' || " + groupId + "::uuid::text";
  }

  private static final String CREATE = createSql("SELECT 1");
  private static final String CREATE_BY_CALLER = createSql("SELECT 1 FROM org.users WHERE id = $12 AND NOT provisioner");

  private static String createSql(String allowed) {
    return "WITH allowed AS (" + allowed + "), "
        + OWN_GROUP
        + "created AS (INSERT INTO org.organizations (id, name, title, description, avatar, email, website, metadata, "
        + "group_id, provisioned_from) SELECT $1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, $10), $11 FROM allowed "
        + "RETURNING *), "
        + "owner AS (INSERT INTO org.memberships (org_id, user_id, roles) SELECT id, $12, '{owner}' FROM created), "
        + "audited AS (" + AuditLog.insertFor("created", 13) + ") "
        + "SELECT * FROM created";
  }

  /** Stores {@code changed}'s profile (see {@link Organization#changedBy}) as the organization's next version. */
  static Future<Organization> update(SqlClient tx, Organization changed) {
    return tx.preparedQuery("UPDATE org.organizations SET name = $2, title = $3, description = $4, avatar = $5, "
            + "email = $6, website = $7, metadata = $8, version = version + 1, updated_at = now() "
            + "WHERE id = $1 RETURNING *")
        .mapping(Organization.MAPPER)
        .execute(Tuple.from(new Object[] {changed.id(), changed.name(), changed.title(), changed.description(),
            changed.avatar(), changed.email(), changed.website(), changed.metadata()}))
        .map(rows -> rows.iterator().next());
  }

  /** The organization's own group as it was renamed with the organization. */
  record OwnGroupRename(UUID groupId, String before, String after) {
  }

  /**
   * Renames the organization's own group after its new {@code name}: the group made for an organization (V25's
   * {@code made_for_organization}) that is still its own ({@link #stillOwnedBy}, as for its deletion) and still has
   * the name founding gave it, the organization's {@code before} name, with the group's id appended or not. A group an
   * admin has named otherwise, one a platform admin has made theirs, or one other organizations share, keeps its name
   * (until session 35 one with admins or a create key followed the organization's renames). As at founding, the
   * group's id follows the name when another group has it; when another has that name too, the group keeps its name
   * (the organization's rename is what the caller asked for, not the group's). A group of either name made while this
   * runs, which the check cannot see yet, fails the statement ({@link dev.orgplane.org.group.GroupName#isTaken}): the
   * caller runs its transaction again, and the check then sees that group.
   *
   * <p>The group's row is held first ({@link #holdGroup}), so an organization joining it at that moment is seen:
   * the rename then keeps the group's name, or the joining waits and finds the group renamed; so is an admin
   * appointed or a create key rotated at that moment, which waits for the row or commits first.
   */
  static Future<Optional<OwnGroupRename>> renameOwnGroup(SqlClient tx, Organization before, String name) {
    var locked = holdGroup(tx, before);
    var renamed = tx.preparedQuery(RENAME_OWN_GROUP)
        .execute(Tuple.of(before.groupId(), before.id(), before.name(), name));
    return Future.all(locked, renamed).map(both -> {
      var rows = renamed.result();
      if (rows.size() == 0) {
        return Optional.empty();
      }
      var row = rows.iterator().next();
      return Optional.of(new OwnGroupRename(before.groupId(), row.getString("before"), row.getString("after")));
    });
  }

  /**
   * $1 the group, $2 the organization, $3 its name before, $4 after; the group's row is held already. {@code free}
   * is the first of the new name and the numbered one that no other group has, none when both are taken.
   */
  private static final String RENAME_OWN_GROUP = "WITH own AS (SELECT g.id, g.name FROM org.organization_groups g "
      + "WHERE g.id = $1 AND " + stillOwnedBy("$2") + " AND g.name IN ($3::text, " + numbered("$3", "g.id") + ")), "
      + "free AS (SELECT n.name FROM own, LATERAL (VALUES (1, $4::text), (2, " + numbered("$4", "own.id") + ")) "
      + "n(rank, name) WHERE NOT EXISTS (SELECT 1 FROM org.organization_groups t "
      + "WHERE lower(t.name) = lower(n.name) AND t.id <> own.id) ORDER BY n.rank LIMIT 1) "
      + "UPDATE org.organization_groups g SET name = free.name FROM own, free WHERE g.id = own.id "
      + "RETURNING own.name AS before, g.name AS after";

  /**
   * Whether the group {@code g} is still the own group of the organization {@code organization} (a parameter), which is
   * renamed and deleted with it: made for it, holding no other organization, and not made theirs by a platform admin
   * who appointed admins to it or rotated a create key onto it (V25's reasoning: it is theirs now).
   */
  private static String stillOwnedBy(String organization) {
    return "g.made_for_organization AND g.create_key_hash IS NULL "
        + "AND NOT EXISTS (SELECT 1 FROM org.group_admins a WHERE a.group_id = g.id) "
        + "AND NOT EXISTS (SELECT 1 FROM org.organizations o WHERE o.group_id = g.id AND o.id <> " + organization + ")";
  }

  /**
   * Locks the row of the organization's group when it is the organization's own (made for it: only such a group is
   * renamed or deleted with it, and no group becomes one later), in a statement of its own, before a statement that
   * checks whether other organizations are in it: under read committed a statement sees what was committed when it
   * began, so a check in the statement that waited for the lock missed what the holder committed meanwhile (an
   * organization joining the group, an admin's rename). FOR UPDATE, not the FOR NO KEY UPDATE of an UPDATE, because
   * joining a group takes FOR KEY SHARE on it through the organization's foreign key, which only FOR UPDATE waits for;
   * a joining that comes second waits for the caller's transaction. Appointing the group's admin (FOR KEY SHARE too)
   * waits as well, for the rest of this short transaction; joining any other group never waits. The caller holds the
   * organization's row already: the two are always taken in that order. The statement and the caller's next go out
   * together (the transaction's connection pipelines them) and run in order.
   */
  private static Future<?> holdGroup(SqlClient tx, Organization organization) {
    return tx.preparedQuery("SELECT 1 FROM org.organization_groups WHERE id = $1 AND made_for_organization "
        + "FOR UPDATE")
        .execute(Tuple.of(organization.groupId()));
  }

  /** The group made for an organization, deleted with it: its id and name. */
  record DeletedGroup(UUID id, String name) {
  }

  /**
   * What an organization's deletion took with it: its own group, if that went too, and its service users, whose
   * tokens end at {@code sessionsEnd}.
   */
  record Deleted(Optional<DeletedGroup> group, List<UUID> serviceUsers, long sessionsEnd) {
  }

  /**
   * Deletes the organization, whose row the caller holds; memberships, custom roles and its invitation mails go with
   * it (ON DELETE CASCADE; V46: one not sent yet is not sent), and so does its audit trail, whose events hold no
   * foreign key (the caller's {@code organization.deleted}, recorded after, outlives it with no organization). The
   * trail goes last, in a statement after the row's: that deletion waits for every transaction holding one of the
   * organization's rows (an invitation being declined, a hook whose failures deactivate it, a setup object deleted), so
   * the events those record are committed by then and go too; deleted first, the trail kept for ever, with the
   * deleted organization's id, whatever they recorded after it (an invitee's decline, say). Writes that hold none of
   * its rows hold the organization's own ({@code AccessPolicy.requireShared}), which the caller's lock keeps off. So
   * does the group made for it, which it answers, unless another organization has joined that group, one joining it
   * at that moment included ({@link #holdGroup}): that one's joining commits first, and the group stays with it.
   * Nor does a group go that a platform admin has made theirs, appointing admins to it or rotating a create key onto
   * it (V25's reasoning): its admins and key would go with it, unannounced; an appointment or a rotation at that
   * moment waits for the held row and finds the group gone, or commits first and is seen.
   * Its service users go too (ON DELETE CASCADE), listed as deleted first with their tokens ending once the deletion
   * waits for no row, by the clock tokens are stamped with ({@link SessionEnds}); the trigger of V37 then lists none.
   * Listed by the trigger alone, they ended a second after the transaction's start by the database's clock, and a
   * token one of them got while the deletion waited for the organization's row stayed good at the services that read
   * the list.
   */
  static Future<Deleted> delete(SqlClient tx, Organization organization) {
    var id = organization.id();
    var locked = holdGroup(tx, organization);
    var end = SessionEnds.nextForServiceUsersOf(tx, id);
    return Future.all(locked, end).compose(waited -> {
      var listed = tx.preparedQuery("INSERT INTO org.deleted_accounts (user_id, deleted_at) "
              + "SELECT id, to_timestamp($2) FROM org.users WHERE service_org_id = $1 ON CONFLICT DO NOTHING "
              + "RETURNING user_id")
          .mapping(row -> row.getUUID("user_id"))
          .execute(Tuple.of(id, end.result() - 1));
      var deleted = tx.preparedQuery("WITH gone AS (DELETE FROM org.organizations WHERE id = $1 RETURNING group_id) "
              + "DELETE FROM org.organization_groups g USING gone WHERE g.id = gone.group_id AND " + stillOwnedBy("$1")
              + " RETURNING g.id, g.name")
          .mapping(row -> new DeletedGroup(row.getUUID("id"), row.getString("name")))
          .execute(Tuple.of(id));
      var events = tx.preparedQuery("DELETE FROM org.audit_events WHERE org_id = $1").execute(Tuple.of(id));
      return Future.all(listed, deleted, events).map(all -> {
        var serviceUsers = new ArrayList<UUID>();
        listed.result().forEach(serviceUsers::add);
        var rows = deleted.result().iterator();
        return new Deleted(rows.hasNext() ? Optional.of(rows.next()) : Optional.empty(), serviceUsers, end.result());
      });
    });
  }

  /**
   * A page of the organizations a caller sees, filtered, in {@code order}: all of them for
   * {@code everyOrganization}, else those it is a member of with a role that reads them, or runs as group admin; with
   * {@code scope} (a scoped token), only that one, if it sees it. {@code after} is the sort key the page starts
   * after (a name, or an id).
   */
  static Future<List<Organization>> list(SqlClient client, UUID userId, boolean everyOrganization, UUID scope,
      ListFilter filter, ListOrder order, Object after, int fetchSize) {
    return client.preparedQuery(listSql(order, everyOrganization, scope != null)).mapping(Organization.MAPPER)
        .execute(listParameters(userId, everyOrganization, scope, filter, after, fetchSize))
        .map(rows -> {
          var result = new ArrayList<Organization>();
          rows.forEach(result::add);
          return result;
        });
  }

  /** The statement {@link #list} runs, for {@link #listParameters}; apart for tests of its plans. */
  static String listSql(ListOrder order, boolean everyOrganization, boolean scoped) {
    var statements = order == ListOrder.ID ? BY_ID : BY_NAME;
    var sql = scoped ? statements.scoped() : everyOrganization ? statements.every() : statements.member();
    return sql + " ORDER BY " + statements.key() + " LIMIT $7";
  }

  static Tuple listParameters(UUID userId, boolean everyOrganization, UUID scope, ListFilter filter, Object after,
      int fetchSize) {
    var page = Tuple.of(after, filter.query(), filter.state(), filter.groupId(),
        filter.template() == null ? null : filter.template().toString(), filter.metadata(), fetchSize);
    if (scope != null) {
      page.addUUID(userId).addUUID(scope);
    } else if (!everyOrganization) {
      page.addUUID(userId);
    }
    return page;
  }

  /**
   * The list's statements for one sort key {@code key}, a column of {@code o}, without their final ORDER BY and LIMIT.
   * $1 the key the page starts after, $2 text searched, $3 state, $4 group, $5 the template copied, $6 metadata the
   * organization's contains ($2-$6 null for any). The last two have indexes (V29) that only a plan made with the
   * values can use: a cached generic plan, which must also serve "no filter", walks every name instead.
   */
  private record ListStatements(String key, String every, String scoped, String member) {

    /**
     * Whether membership {@code m} lets its member read its organization ({@link PermissionCatalog#ORG_GET}): by a
     * predefined role that reads it, or a custom role of the organization that does. A member whose roles cannot read
     * it (a custom role for teams only) is refused its GET, and was listed it whole.
     */
    private static final String READS = "(m.roles && ARRAY[" + PermissionCatalog.PREDEFINED_ORDER.stream()
        .filter(role -> PermissionCatalog.PREDEFINED_ROLES.get(role).contains(PermissionCatalog.ORG_GET))
        .map(role -> "'" + role + "'").collect(Collectors.joining(", ")) + "]::text[] OR EXISTS (SELECT 1 FROM "
        + "org.roles r WHERE r.org_id = m.org_id AND r.name = ANY (m.roles) AND '" + PermissionCatalog.ORG_GET
        + "' = ANY (r.permissions)))";
    private static final String SEES = "(EXISTS (SELECT 1 FROM org.memberships m WHERE m.org_id = o.id "
        + "AND m.user_id = $8 AND " + READS + ") OR EXISTS (SELECT 1 FROM org.group_admins ga "
        + "WHERE ga.group_id = o.group_id AND ga.user_id = $8))";

    static ListStatements by(String key) {
      var filters = key + " > $1 "
          + "AND ($2::text IS NULL OR o.name ILIKE '%' || $2 || '%' OR o.title ILIKE '%' || $2 || '%') "
          + "AND ($3::text IS NULL OR o.state = $3) AND ($4::uuid IS NULL OR o.group_id = $4) "
          + "AND ($5::text IS NULL OR o.provisioned_from->>'templateId' = $5) "
          + "AND ($6::jsonb IS NULL OR o.metadata @> $6)";
      var filtered = "SELECT o.* FROM org.organizations o WHERE " + filters;
      return new ListStatements(key, Database.PLANNED_PER_CALL + filtered, filtered + " AND o.id = $9 AND " + SEES,
          member(key, filters, filtered));
    }

    /**
     * Two ways to a member's page, and which is fast depends on the member: walking every organization
     * in key order until a page of the caller's is found suits someone in thousands of them (a
     * provisioning owner) and takes seconds for someone in two among a million; sorting the caller's
     * own organizations is the reverse. The statement counts the caller's organizations (up to 1,000,
     * an index-only scan) and runs only the branch that suits. It is planned per call: a cached generic
     * plan cannot know whose memberships it reads.
     */
    private static String member(String key, String filters, String filtered) {
      return Database.PLANNED_PER_CALL
          + "WITH few AS (SELECT count(*) < 1000 AS yes FROM (SELECT 1 FROM org.memberships m WHERE m.user_id = $8 "
          + "UNION ALL SELECT 1 FROM org.group_admins ga JOIN org.organizations g ON g.group_id = ga.group_id "
          + "WHERE ga.user_id = $8 LIMIT 1000) n) "
          + "SELECT * FROM ((SELECT o.* FROM org.organizations o WHERE (SELECT yes FROM few) AND o.id IN ("
          + "SELECT m.org_id FROM org.memberships m WHERE m.user_id = $8 AND " + READS
          + " UNION ALL SELECT g.id FROM org.group_admins ga "
          + "JOIN org.organizations g ON g.group_id = ga.group_id WHERE ga.user_id = $8) AND " + filters
          + " ORDER BY " + key + " LIMIT $7) UNION ALL (" + filtered + " AND NOT (SELECT yes FROM few) AND " + SEES
          + " ORDER BY " + key + " LIMIT $7)) o";
    }
  }

  private static final ListStatements BY_NAME = ListStatements.by("o.name");
  private static final ListStatements BY_ID = ListStatements.by("o.id");
}
