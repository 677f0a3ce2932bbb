package dev.orgplane.org.role;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.provisioner.ImportPlan;
import dev.orgplane.org.provisioner.RenameOrder;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A batch of role imports with chosen ids, all or nothing: the roles there already are read and locked with one
 * statement; those that change are written together ({@link RenameOrder} keeps order-dependent renames one by one),
 * then the renamed ones' assignments follow them, together; then the new roles are written, and every audit event
 * with one statement. Replacing first lets a replaced role give up a name a new one takes.
 */
final class RoleImport {

  private RoleImport() {
  }

  /**
   * Imports {@code roles} (each as its item describes it), leaving the roles there as they are if {@code existing}
   * keeps them; the plan says what was done to each.
   */
  static Future<ImportPlan<CustomRole>> run(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      List<CustomRole> roles, Existing existing) {
    return CustomRoleRepository.findAllForUpdate(tx, access.orgId(), roles.stream().map(CustomRole::id).toList())
        .compose(current -> {
          var plan = ImportPlan.of(roles, role -> current.containsKey(role.id()),
              role -> current.get(role.id()).sameAs(role), existing);
          return write(tx, ctx, access, plan, current).map(plan);
        });
  }

  /**
   * Both the role as stored and as replaced must be within the caller's permissions, and a role narrowed held by no one
   * above them (see CustomRoleRoutes), all narrowed roles' holders asked about in one query.
   */
  private static Future<Void> write(SqlConnection tx, RoutingContext ctx, OrgAccess access,
      ImportPlan<CustomRole> plan, Map<UUID, CustomRole> current) {
    var replaced = plan.replaced();
    var created = plan.created();
    replaced.forEach(role -> {
      CustomRoleRoutes.requireHeld(access, current.get(role.id()));
      CustomRoleRoutes.requireHeld(access, role);
    });
    created.forEach(role -> CustomRoleRoutes.requireHeld(access, role));
    var narrowed = replaced.stream().filter(role -> current.get(role.id()).narrowedBy(role))
        .map(role -> current.get(role.id()).name()).toList();
    return RoleGrants.requireNotAboveHolders(tx, access, narrowed)
        .compose(v -> RenameOrder.write(replaced, role -> current.get(role.id()).name(), CustomRole::name,
            roles -> CustomRoleRepository.updateAll(tx, access.orgId(), roles),
            role -> CustomRoleRepository.update(tx, role)))
        .compose(v -> followRenames(tx, access, replaced, current))
        .compose(reassigned -> CustomRoleRepository.insertAll(tx, access.orgId(), created)
            .compose(v -> AuditLog.recordAll(tx, ctx, access.orgId(), BearerAuth.principal(ctx).subject(), Stream.of(
                replaced.stream().map(role -> CustomRoleRoutes.updated(current.get(role.id()), role)),
                created.stream().map(role -> CustomRoleRoutes.event("role.created", role)),
                reassigned.stream().map(CustomRoleRoutes::reassigned)).flatMap(events -> events).toList())));
  }

  /** Each renamed role's assignments take its new name, all with one statement; the members it changed. */
  private static Future<List<CustomRoleRepository.Reassigned>> followRenames(SqlConnection tx, OrgAccess access,
      List<CustomRole> replaced, Map<UUID, CustomRole> current) {
    return CustomRoleRepository.renameAssignments(tx, access.orgId(), replaced.stream()
        .collect(Collectors.toMap(role -> current.get(role.id()).name(), CustomRole::name)));
  }
}
