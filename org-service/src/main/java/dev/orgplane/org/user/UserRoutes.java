package dev.orgplane.org.user;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Set;

/** The signed-in user's own account and organizations. */
public final class UserRoutes {

  private final Pool pool;

  public UserRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/v1/users/me").handler(this::me);
    router.patch("/v1/users/me").handler(this::rename);
    router.get("/v1/users/me/organizations").handler(this::organizations);
  }

  private void me(RoutingContext ctx) {
    UserRepository.byId(pool, AccessPolicy.userId(BearerAuth.principal(ctx)))
        .compose(user -> user.isPresent() ? Future.succeededFuture(user.get()) : Future.failedFuture(gone()))
        .onSuccess(user -> ctx.json(user.toJson()))
        .onFailure(ctx::fail);
  }

  private void rename(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("name"));
    var name = body.requiredString("name", 256);
    body.validate();
    UserRepository.rename(pool, AccessPolicy.userId(BearerAuth.principal(ctx)), name)
        .onSuccess(user -> ctx.json(user.toJson()))
        .onFailure(ctx::fail);
  }

  private void organizations(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    pool.preparedQuery("SELECT o.id, o.name, o.title, o.state, m.roles FROM org.memberships m "
            + "JOIN org.organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.name")
        .execute(Tuple.of(AccessPolicy.userId(principal)))
        .map(rows -> {
          var items = new JsonArray();
          rows.forEach(r -> {
            if (!principal.isScoped() || principal.orgScope().equals(r.getUUID("id").toString())) {
              items.add(new JsonObject().put("id", r.getUUID("id").toString()).put("name", r.getString("name"))
                  .put("title", r.getString("title")).put("state", r.getString("state"))
                  .put("roles", new JsonArray(java.util.List.of(r.getArrayOfStrings("roles")))));
            }
          });
          return new JsonObject().put("items", items).put("nextCursor", null);
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static ApiException gone() {
    return ApiException.unauthorized("The token's user no longer exists.");
  }
}
