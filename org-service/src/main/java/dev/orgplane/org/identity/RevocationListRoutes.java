package dev.orgplane.org.identity;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.org.access.AccessPolicy;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * {@code GET /v1/token-revocations}: the tokens to refuse before they expire, for the services that verify tokens
 * without org-service's database (the provisioning engine reads it on a period) and a platform's own resource
 * servers. It names accounts and credentials, so only platform admins and the provisioning engine may read it.
 * Readers that poll send the last answer's {@code ETag} back ({@code If-None-Match}): an unchanged list is a 304.
 */
public final class RevocationListRoutes {

  private final Pool pool;
  private final long tokenLifetimeSeconds;
  private final long readTimeoutMillis;

  /** The list is read within {@code readTimeoutMillis} ({@link StoredRevocations#read}). */
  public RevocationListRoutes(Pool pool, long tokenLifetimeSeconds, long readTimeoutMillis) {
    this.pool = pool;
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  public void mount(Router router) {
    QueryParameters.NONE.on(router.get("/v1/token-revocations")).handler(this::list);
  }

  private void list(RoutingContext ctx) {
    AccessPolicy.caller(pool, BearerAuth.principal(ctx))
        .compose(caller -> caller.seesEveryOrganization() ? StoredRevocations.read(pool, tokenLifetimeSeconds,
            readTimeoutMillis)
            : Future.failedFuture(ApiException.forbidden("forbidden",
                "Only platform admins and the provisioning engine read the revoked tokens.")))
        .onSuccess(snapshot -> {
          var body = snapshot.toJson().put("tokenLifetimeSeconds", tokenLifetimeSeconds).encode();
          var etag = "\"" + Secrets.hash(body).substring(0, 32) + "\"";
          var response = ctx.response().putHeader("Cache-Control", "no-cache").putHeader("ETag", etag);
          if (EntityTags.unchanged(ctx, etag)) {
            response.setStatusCode(304).end();
          } else {
            response.putHeader("Content-Type", "application/json").end(body);
          }
        })
        .onFailure(ctx::fail);
  }
}
