package dev.orgplane.org.organization;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /v1/organizations:lookup} {@code {"organizations": [id or name, ...]}}: the organizations the caller
 * may read among many, with one statement, where reading each ({@code GET /v1/organizations/{org}}) took a request
 * apiece: the provisioning engine checks a batch's existing targets (up to 1,000) and the targets it keeps copy
 * records of this way. What the caller may not read is missing, exactly as what does not exist is, as a 404 of
 * the single read does not tell them apart either.
 */
public final class OrganizationLookupRoutes {

  /** As many as a provisioning batch has targets. */
  static final int MAX_REFS = 1000;

  private final Pool pool;

  public OrganizationLookupRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.postWithRegex("/v1/organizations:lookup")).handler(this::lookup);
  }

  private void lookup(RoutingContext ctx) {
    var body = RequestBody.of(ctx, Set.of("organizations"));
    var refs = body.stringList("organizations", true);
    if (ctx.body().asJsonObject().getValue("organizations") instanceof JsonArray asked
        && (asked.isEmpty() || asked.size() > MAX_REFS)) {
      body.reject("organizations", "must hold 1 to " + MAX_REFS + " organization ids or names");
    }
    body.validate();
    var ids = new ArrayList<UUID>();
    var names = new ArrayList<String>();
    refs.forEach(ref -> {
      if (AccessPolicy.isUuid(ref)) {
        ids.add(UUID.fromString(ref));
      } else {
        names.add(ref);
      }
    });
    AccessPolicy.holding(pool, BearerAuth.principal(ctx), ids, names, PermissionCatalog.ORG_GET)
        .onSuccess(readable -> Replies.json(ctx, 200, answer(refs, readable)))
        .onFailure(ctx::fail);
  }

  /** The readable organizations in the order they were first asked for, and the references that named none. */
  private static JsonObject answer(List<String> refs, List<OrgAccess> readable) {
    var byRef = new LinkedHashMap<String, Organization>();
    readable.forEach(access -> {
      byRef.put(access.orgId().toString(), access.organization());
      byRef.put(access.organization().name(), access.organization());
    });
    var items = new LinkedHashMap<UUID, JsonObject>();
    var missing = new JsonArray();
    refs.forEach(ref -> {
      var found = byRef.get(AccessPolicy.isUuid(ref) ? UUID.fromString(ref).toString() : ref);
      if (found == null) {
        missing.add(ref);
      } else {
        items.putIfAbsent(found.id(), found.toJson());
      }
    });
    return new JsonObject().put("items", new JsonArray(new ArrayList<>(items.values()))).put("missing", missing);
  }
}
