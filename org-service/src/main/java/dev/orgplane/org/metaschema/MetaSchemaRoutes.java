package dev.orgplane.org.metaschema;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code GET/PUT /v1/meta-schemas/{name}}, for platform admins. */
public final class MetaSchemaRoutes {

  private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,63}");
  private static final Set<String> ANSWER_KEYS = Set.of("name", "schema");

  private final Pool pool;
  private final MetaSchemas schemas;

  public MetaSchemaRoutes(Pool pool, MetaSchemas schemas) {
    this.pool = pool;
    this.schemas = schemas;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.get("/v1/meta-schemas/:name")).handler(this::get);
    QueryParameters.NONE.on(router.put("/v1/meta-schemas/:name")).handler(this::put);
  }

  private void get(RoutingContext ctx) {
    var name = name(ctx);
    AccessPolicy.requirePlatformAdmin(pool, BearerAuth.principal(ctx))
        .compose(admin -> schemas.get(name))
        .onSuccess(schema -> EntityTags.reply(ctx, shown(name, schema)))
        .onFailure(ctx::fail);
  }

  /**
   * Replaces the meta-schema; with {@code If-Match}, only the one the caller read (412 {@code precondition_failed}
   * otherwise, and when there is none yet), and with {@code If-None-Match: *} only one there is not yet: two admins
   * editing it at once do not silently undo each other. A change is audited platform-wide (of no organization: it
   * governs them all) as {@code meta_schema.updated}, naming the schema it replaced; storing the schema there is
   * records nothing.
   */
  private void put(RoutingContext ctx) {
    var name = name(ctx);
    var schema = RequestBody.object(ctx);
    var principal = BearerAuth.principal(ctx);
    AccessPolicy.requirePlatformAdmin(pool, principal)
        .compose(admin -> schemas.put(name, notAnAnswer(schema), current -> EntityTags.requireReplaceMatch(ctx,
                current.map(stored -> shown(name, stored)), "The meta-schema",
                "There is no meta-schema named " + name + " yet."),
            (tx, change) -> !change.changed() ? Future.succeededFuture()
                : AuditLog.record(tx, ctx, null, principal.subject(), "meta_schema.updated", "meta_schema:" + name,
                    new JsonObject().put("before", change.before().orElse(null)))))
        .onSuccess(saved -> EntityTags.reply(ctx, shown(name, saved)))
        .onFailure(ctx::fail);
  }

  /**
   * Refuses {@code body} shaped as a GET's answer ({@link #shown}), which would be refused for its unknown keywords
   * anyway, saying what to send instead: put back as it came, it was stored, and the schema under {@code schema}
   * checked nothing.
   */
  private static JsonObject notAnAnswer(JsonObject body) {
    if (body.getValue("schema") instanceof JsonObject && ANSWER_KEYS.containsAll(body.fieldNames())) {
      throw UnknownKeywords.refusal("schema", "#/schema", "a PUT takes the JSON Schema itself, not a GET's answer "
          + "{name, schema}; send the answer's \"schema\" alone");
    }
    return body;
  }

  private static JsonObject shown(String name, JsonObject schema) {
    return new JsonObject().put("name", name).put("schema", schema);
  }

  private static String name(RoutingContext ctx) {
    var name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) {
      throw ApiException.notFound("meta_schema_not_found", "No meta-schema named " + name + ".");
    }
    return name;
  }
}
