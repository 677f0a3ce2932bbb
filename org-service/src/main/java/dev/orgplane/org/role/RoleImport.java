package dev.orgplane.org.role;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.provisioner.ImportPlan;
import dev.orgplane.org.provisioner.RolloutTemplate;
import dev.orgplane.org.provisioner.WantedNames;
import dev.orgplane.org.serviceuser.CredentialReach;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A batch of role imports with chosen ids, all or nothing: the roles there already are read and locked with one
 * statement; the names the batch takes are freed ({@link WantedNames}: chains and swaps of names, and a rollout's
 * renames that later pages finish); the roles that change are written together, then the renamed ones' assignments
 * follow them (and those of roles moved out of the way), together; then the new roles are written, and every audit
 * event with one statement. Replacing first lets a replaced role give up a name a new one takes. Last, the service
 * users a widened role raises, and those whose makers a narrowed one lowers, lose the credentials their makers no
 * longer outrank ({@link CredentialReach}).
 */
final class RoleImport {

  private RoleImport() {
  }

  /**
   * Imports {@code roles} (each as its item describes it), leaving the roles there as they are if {@code existing}
   * keeps them; the plan says what was done to each.
   */
  static Future<ImportPlan<CustomRole>> run(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      TokenRevocations revocations, List<CustomRole> roles, Existing existing) {
    return CustomRoleRepository.findAllForUpdate(tx, access.orgId(), roles.stream().map(CustomRole::id).toList())
        .compose(current -> {
          var plan = ImportPlan.of(roles, role -> current.containsKey(role.id()),
              role -> current.get(role.id()).sameAs(role), existing);
          var reranked = plan.replaced().stream().filter(role -> current.get(role.id()).widenedBy(role)
              || current.get(role.id()).narrowedBy(role)).map(CustomRole::name).toList();
          return write(tx, ctx, access, plan, current, existing)
              .compose(v -> CredentialReach.revokeBeyondMakers(tx, ctx, access, revocations, List.of(), reranked))
              .map(plan);
        });
  }

  /**
   * Both the role as stored and as replaced must be within the caller's permissions, and a role narrowed held by no one
   * above them (see CustomRoleRoutes), all narrowed roles' holders asked about in one query.
   */
  private static Future<Void> write(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      ImportPlan<CustomRole> plan, Map<UUID, CustomRole> current, Existing existing) {
    var replaced = plan.replaced();
    var created = plan.created();
    replaced.forEach(role -> {
      CustomRoleRoutes.requireHeld(access, current.get(role.id()));
      CustomRoleRoutes.requireHeld(access, role);
    });
    created.forEach(role -> CustomRoleRoutes.requireHeld(access, role));
    var narrowed = replaced.stream().filter(role -> current.get(role.id()).narrowedBy(role))
        .map(role -> current.get(role.id()).name()).toList();
    var claims = plan.claims(CustomRole::id, role -> current.containsKey(role.id()) ? current.get(role.id()).name() : null,
        CustomRole::name);
    return RoleGrants.requireNotAboveHolders(tx, access, narrowed)
        .compose(v -> WantedNames.free(tx, access, CustomRoleRoutes.NAMES, existing, RolloutTemplate.of(ctx, access),
            claims))
        .compose(moved -> CustomRoleRepository.updateAll(tx, access.orgId(), replaced)
            .compose(v -> Future.all(followRenames(tx, access, replaced, current, moved), movedAside(tx, access, moved),
                CustomRoleRepository.insertAll(tx, access.orgId(), created))))
        .compose(written -> AuditLog.recordAll(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), Stream.of(
            replaced.stream().map(role -> CustomRoleRoutes.updated(current.get(role.id()).name(), role)),
            written.<List<AuditLog.Event>>resultAt(1).stream(),
            created.stream().map(role -> CustomRoleRoutes.event("role.created", role)),
            written.<List<CustomRoleRepository.Reassigned>>resultAt(0).stream().map(CustomRoleRoutes::reassigned))
            .flatMap(events -> events).toList()));
  }

  /**
   * Each renamed role's assignments take its new name, and those of a role moved out of the way its temporary one, all
   * with one statement; the members it changed.
   */
  private static Future<List<CustomRoleRepository.Reassigned>> followRenames(SqlConnection tx, OrgAccess access,
      List<CustomRole> replaced, Map<UUID, CustomRole> current, List<WantedNames.MovedAside> moved) {
    var renames = replaced.stream().collect(Collectors.toMap(role -> current.get(role.id()).name(), CustomRole::name,
        (one, other) -> one, HashMap::new));
    moved.forEach(role -> renames.put(role.from(), role.to()));
    return CustomRoleRepository.renameAssignments(tx, access.orgId(), renames);
  }

  /** The {@code role.updated} of each role moved out of the way, as it is now. */
  private static Future<List<AuditLog.Event>> movedAside(SqlConnection tx, OrgAccess access,
      List<WantedNames.MovedAside> moved) {
    if (moved.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return CustomRoleRepository.findAllForUpdate(tx, access.orgId(), moved.stream().map(WantedNames.MovedAside::id)
            .toList())
        .map(roles -> moved.stream().map(role -> CustomRoleRoutes.updated(role.from(), roles.get(role.id()))).toList());
  }
}
