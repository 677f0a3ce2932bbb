package dev.orgplane.org.user;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EmailFilter;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ListOrder;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.Caller;
import dev.orgplane.org.role.RoleSet;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signed-in user's own account and organizations, others' accounts as far as the caller sees them; account
 * lookup and creation for admins.
 */
public final class UserRoutes {

  private final Pool pool;

  public UserRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.get("/v1/users/me")).handler(this::me);
    QueryParameters.NONE.on(router.patch("/v1/users/me")).handler(this::rename);
    QueryParameters.list(ListOrder.PARAMETER).on(router.get("/v1/users/me/organizations"))
        .handler(this::organizations);
    QueryParameters.NONE.on(router.post("/v1/users")).handler(this::create);
    QueryParameters.named(EmailFilter.PARAMETER).on(router.get("/v1/users")).handler(this::findByEmail);
    QueryParameters.NONE.on(router.get("/v1/users/:uid")).handler(this::read);
  }

  /**
   * Platform and group admins create accounts for people they will add to organizations; the
   * person sets a password later (no password: password sign-in is impossible until then). The maker is recorded: a
   * group admin adds by id only the accounts in no organization that their group's admins made ({@code AddReach}).
   */
  private void create(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("email", "name"));
    var email = body.email("email", true);
    var name = body.line("name", 256, false);
    body.validate();
    requireAdministrator(ctx)
        .compose(admin -> Replies.atomically(pool, ctx, db ->
            UserRepository.insert(db, email, name == null ? "" : name, null, false, admin.userId())
                .compose(user -> user.isPresent() ? Future.succeededFuture(user.get())
                    : Future.failedFuture(ApiException.conflict("email_taken", "An account with this email exists.")))
                .compose(user -> Replies.keep(db, ctx, Reply.created("/v1/users/" + user.id(), user.toJson())))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * An account by its address: the whole of it for platform admins; for a group admin the profile of someone they
   * see (as {@link #read} shows it), and nothing otherwise, as for an address without an account: a group admin
   * invites people they do not see yet, and learns no more of other tenants' people than an address they typed.
   */
  private void findByEmail(RoutingContext ctx) {
    var email = EmailFilter.read(ctx);
    if (email == null) {
      ctx.fail(ApiException.badRequest("email_required", "Look users up with ?email=."));
      return;
    }
    var principal = BearerAuth.principal(ctx);
    requireAdministrator(ctx)
        .compose(caller -> UserRepository.byEmail(pool, email).compose(found -> found.isEmpty()
            ? Future.succeededFuture(Optional.<JsonObject>empty())
            : caller.platformAdmin() ? Future.succeededFuture(Optional.of(found.get().toJson()))
            : UserRepository.person(pool, found.get().id(), caller.userId(), principal.scopedOrganization())
                .map(person -> person.filter(UserRepository.Sighting::listed).map(seen -> seen.user().toProfileJson()))))
        .onSuccess(user -> ctx.json(new JsonObject().put("nextCursor", null)
            .put("items", new JsonArray(user.map(List::of).orElse(List.of())))))
        .onFailure(ctx::fail);
  }

  /** Platform admins, and admins of at least one organization group. */
  private Future<Caller> requireAdministrator(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    return AccessPolicy.caller(pool, principal)
        .compose(caller -> (caller.platformAdmin() ? Future.succeededFuture(true) : caller.scoped()
            ? Future.succeededFuture(false)
            : pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.group_admins WHERE user_id = $1) AS admin")
                .execute(Tuple.of(caller.userId())).map(rows -> rows.iterator().next().getBoolean("admin")))
            .compose(allowed -> allowed ? Future.succeededFuture(caller) : Future.failedFuture(
                ApiException.forbidden("forbidden", "Only platform and group admins manage users."))));
  }

  private void me(RoutingContext ctx) {
    UserRepository.byId(pool, AccessPolicy.userId(BearerAuth.principal(ctx)))
        .compose(user -> user.isPresent() ? Future.succeededFuture(user.get()) : Future.failedFuture(gone()))
        .onSuccess(user -> EntityTags.reply(ctx, user.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * One person's account: all of it for platform admins and its owner, the profile a member list shows for someone
   * who lists them as a member, and for anyone else 404, as for no account at all: whether an address or an id has
   * an account is no one else's business. Service users and the provisioning engine are no persons: 404 here too.
   */
  private void read(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var userId = Ids.uuid(ctx.pathParam("uid"), "uid");
    AccessPolicy.caller(pool, principal)
        .compose(caller -> {
          var whole = caller.platformAdmin() || userId.equals(caller.userId());
          return UserRepository.person(pool, userId, caller.userId(), principal.scopedOrganization())
              .map(person -> person.filter(seen -> whole || seen.listed())
                  .map(seen -> whole ? seen.user().toJson() : seen.user().toProfileJson()));
        })
        .compose(view -> view.isPresent() ? Future.succeededFuture(view.get())
            : Future.failedFuture(ApiException.notFound("user_not_found", "No such person.")))
        .onSuccess(view -> EntityTags.reply(ctx, view))
        .onFailure(ctx::fail);
  }

  /**
   * A person's new display name, with their own token ({@link OwnAccountAccess}). Service users and the provisioning
   * engine are no persons: 403 {@code not_a_person}. A service user's name is the one its organization gave it at
   * creation (its service-user API has no rename); it renamed itself here, unaudited, before this was refused.
   */
  private void rename(RoutingContext ctx) {
    var body = RequestBody.ofPatch(ctx, Set.of("name"));
    var name = body.line("name", 256, true);
    body.validate();
    var principal = BearerAuth.principal(ctx);
    var userId = AccessPolicy.userId(principal);
    OwnAccountAccess.require(pool, principal)
        .compose(allowed -> pool.withTransaction(tx -> UserRepository.byId(tx, userId, true)
            .compose(user -> {
              var account = user.orElseThrow(UserRoutes::gone);
              return UserRepository.isPerson(tx, userId).compose(person -> {
                if (!person) {
                  throw ApiException.forbidden("not_a_person", "Only a person renames their account here.");
                }
                EntityTags.requireMatch(ctx, account.toJson(), "Your account");
                return UserRepository.rename(tx, userId, name);
              });
            })))
        .onSuccess(user -> EntityTags.reply(ctx, user.toJson()))
        .onFailure(ctx::fail);
  }

  /**
   * A page of the caller's memberships by organization name, or by id ({@code order=id}, which a rename mid-paging
   * cannot skip or repeat, see {@link ListOrder}); a scoped token's holds its one organization.
   */
  private void organizations(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var order = ListOrder.read(ctx.queryParams());
    var page = PageRequest.of(ctx);
    pool.preparedQuery(order == ListOrder.ID ? MEMBERSHIPS_BY_ID : MEMBERSHIPS_BY_NAME)
        .execute(Tuple.of(AccessPolicy.userId(principal), order.after(page), principal.scopedOrganization(),
            page.fetchSize()))
        .map(rows -> {
          var items = new ArrayList<JsonObject>();
          rows.forEach(r -> items.add(new JsonObject().put("id", r.getUUID("id").toString())
              .put("name", r.getString("name")).put("title", r.getString("title")).put("state", r.getString("state"))
              .put("roles", new JsonArray(RoleSet.of(r)))));
          return page.page(items, item -> item,
              order.sortKey(item -> item.getString("name"), item -> item.getString("id")));
        })
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  private static final String MEMBERSHIPS_BY_NAME = memberships("name");
  private static final String MEMBERSHIPS_BY_ID = memberships("id");

  /**
   * As for the organization list, two ways to a page and the caller decides which is fast: someone in
   * fewer than a thousand organizations has their memberships sorted; someone in more has the
   * organizations walked in {@code key} order until a page of theirs is found, instead of sorting every
   * membership for each page. Planned per call, so the plan fits the caller.
   */
  private static String memberships(String key) {
    var page = "SELECT o.id, o.name, o.title, o.state, m.roles "
        + "FROM org.organizations o JOIN org.memberships m ON m.org_id = o.id AND m.user_id = $1 "
        + "WHERE o." + key + " > $2 AND ($3::uuid IS NULL OR o.id = $3) ";
    return Database.PLANNED_PER_CALL
        + "WITH few AS (SELECT count(*) < 1000 AS yes FROM (SELECT 1 FROM org.memberships WHERE user_id = $1 "
        + "LIMIT 1000) n) "
        + "SELECT * FROM ((" + page + "AND (SELECT yes FROM few) ORDER BY o." + key + " LIMIT $4) "
        + "UNION ALL (" + page + "AND NOT (SELECT yes FROM few) ORDER BY o." + key + " LIMIT $4)) p "
        + "ORDER BY " + key + " LIMIT $4";
  }

  private static ApiException gone() {
    return RevokedToken.userGone();
  }
}
