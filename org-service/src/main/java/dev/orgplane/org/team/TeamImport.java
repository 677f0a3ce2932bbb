package dev.orgplane.org.team;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.membership.SelfGrants;
import dev.orgplane.org.provisioner.ImportPlan;
import dev.orgplane.org.provisioner.JobRequester;
import dev.orgplane.org.provisioner.RolloutTemplate;
import dev.orgplane.org.provisioner.WantedNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Team imports with chosen ids, member lists included: a {@code PUT} is a batch of one. New teams are created, the
 * others replaced unless they are already exactly so. The work is set-based whatever the number of teams: one read
 * of the teams and one of their members, one check that every member belongs to the organization, the names the
 * batch takes freed ({@link WantedNames}: chains and swaps of names, and a rollout's renames that later pages finish),
 * the replaced teams written together with one statement for all their members, then the new teams, then every audit
 * event. Replacing first lets a replaced team give up a name a new one takes (a new one never gives one up). The
 * engine's job requester whom it makes no member of the organization keeps their place in the teams as it is
 * ({@link #withheld}).
 */
final class TeamImport {

  private TeamImport() {
  }

  /**
   * Imports {@code items}, leaving the teams there as they are if {@code onExisting} keeps them, and the members of
   * those whose item names none; the plan says what was done to each.
   */
  static Future<ImportPlan<ImportBatch.Item<TeamFields>>> run(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      List<ImportBatch.Item<TeamFields>> items, Existing onExisting) {
    return TeamRepository.findAllForUpdate(tx, access.orgId(), items.stream().map(ImportBatch.Item::id).toList())
        .compose(existing -> TeamRepository.memberIdsOf(tx, access.orgId(), existing.keySet())
            .compose(members -> {
              // read under the organization's row, which every change of a team's members holds too
              var named = items.stream().map(item -> new ImportBatch.Item<>(item.id(),
                  item.value().orMembers(members.getOrDefault(item.id(), Set.of())))).toList();
              return withheld(tx, ctx, access, named, members).compose(withheld -> {
                var written = named.stream().map(item -> new ImportBatch.Item<>(item.id(), item.value()
                    .keeping(withheld, members.getOrDefault(item.id(), Set.of())))).toList();
                var plan = ImportPlan.of(written, item -> existing.containsKey(item.id()),
                    item -> item.value().describe(existing.get(item.id()))
                        && members.get(item.id()).equals(Set.copyOf(item.value().userIds())), onExisting);
                return write(tx, ctx, access, plan, existing, members, onExisting).map(plan);
              });
            }));
  }

  /**
   * The job's requester, for a call of the engine's, where it makes them no member of the organization
   * ({@link SelfGrants#withheld}): their place in the teams is left as it is, named or not. A copy of a group admin's
   * template holding them in a team refused the job (422 {@code not_a_member}) in a tenant they do not own, whose
   * member import had left them out (until session 42); the engine names them in no team since, an older one still
   * may. {@code members} are the existing teams' member ids.
   */
  private static Future<Set<UUID>> withheld(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      List<ImportBatch.Item<TeamFields>> named, Map<UUID, Set<UUID>> members) {
    var requester = JobRequester.of(ctx, access);
    if (requester == null) {
      return Future.succeededFuture(Set.of());
    }
    var involved = Stream.concat(named.stream().flatMap(item -> item.value().userIds().stream()),
        members.values().stream().flatMap(Set::stream)).collect(Collectors.toSet());
    return SelfGrants.withheld(tx, access, requester, involved);
  }

  /** Writes the plan; {@code members} are the existing teams' member ids before it, for the audit events. */
  private static Future<Void> write(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      ImportPlan<ImportBatch.Item<TeamFields>> plan, Map<UUID, Team> existing, Map<UUID, Set<UUID>> members,
      Existing onExisting) {
    var orgId = access.orgId();
    var replaced = plan.replaced();
    var created = plan.created();
    return TeamRoutes.requireMembers(tx, access, Stream.concat(replaced.stream(), created.stream())
            .flatMap(item -> item.value().userIds().stream()).distinct().toList())
        .compose(v -> WantedNames.free(tx, access, TeamRoutes.NAMES, onExisting, RolloutTemplate.of(ctx, access),
            plan.claims(ImportBatch.Item::id,
                item -> existing.containsKey(item.id()) ? existing.get(item.id()).name() : null,
                item -> item.value().name())))
        .compose(moved -> TeamRepository.updateAll(tx, orgId, replaced).map(moved))
        .compose(moved -> TeamRepository.setMembersAll(tx, orgId, replaced)
            .compose(v -> TeamRepository.insertAll(tx, orgId, created))
            .compose(v -> AuditLog.recordAll(tx, ctx, orgId, BearerAuth.principal(ctx).subject(), Stream.of(
                replaced.stream().map(item -> TeamRoutes.event("team.updated", item.id(),
                    changes(existing.get(item.id()), item.value(), members.get(item.id())))),
                moved.stream().map(team -> TeamRoutes.event("team.updated", team.id(),
                    Team.renamed(team.from(), team.to()))),
                created.stream().map(item -> TeamRoutes.event("team.created", item.id(),
                    TeamRoutes.members(Set.copyOf(item.value().userIds()))))).flatMap(events -> events).toList())));
  }

  /**
   * A replaced team's event {@code details}: the fields it changed, as a patch's event names them, and the members it
   * gained and lost, by id (both empty: the same members).
   */
  private static JsonObject changes(Team team, TeamFields fields, Set<UUID> before) {
    var after = Set.copyOf(fields.userIds());
    return team.changes(fields.name(), fields.title(), fields.metadata())
        .put("userIdsAdded", TeamRoutes.ids(after.stream().filter(id -> !before.contains(id)).toList()))
        .put("userIdsRemoved", TeamRoutes.ids(before.stream().filter(id -> !after.contains(id)).toList()));
  }
}
