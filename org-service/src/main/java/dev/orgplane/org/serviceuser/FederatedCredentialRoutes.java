package dev.orgplane.org.serviceuser;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.auth.TrustedIssuer;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A service user's federated credentials: add, list, remove. Managed by whoever manages its client credentials;
 * removing one ends the tokens exchanged for it, as revoking a client credential does.
 */
public final class FederatedCredentialRoutes {

  /** OpenID Connect's subjects are at most 255 ASCII characters; this leaves room for other providers' own. */
  private static final int MAX_SUBJECT_BYTES = 1024;

  private final Pool pool;
  private final TokenRevocations revocations;
  /** The issuers of ORGPLANE_TRUSTED_ISSUERS (no other issuer's token is ever exchanged), by their {@code iss}. */
  private final Map<String, TrustedIssuer> trustedIssuers;

  public FederatedCredentialRoutes(Pool pool, TokenRevocations revocations, List<TrustedIssuer> trustedIssuers) {
    this.pool = pool;
    this.revocations = revocations;
    this.trustedIssuers = TrustedIssuer.byIssuer(trustedIssuers);
  }

  public void mount(Router router) {
    var base = "/v1/organizations/:org/service-users/:sid/federated-credentials";
    QueryParameters.PAGING.on(router.get(base)).handler(this::list);
    QueryParameters.NONE.on(router.post(base)).handler(this::add);
    QueryParameters.NONE.on(router.delete(base + "/:fid")).handler(this::remove);
  }

  private void add(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    var body = RequestBody.of(ctx, Set.of("issuer", "subject", "audience"));
    var issuer = body.requiredString("issuer", 2048);
    var subject = body.requiredString("subject", 1024);
    var audience = body.optionalString("audience", 1024);
    if (subject != null && subject.isBlank()) {
      body.reject("subject", "must not be blank");
    } else if (subject != null && subject.getBytes(StandardCharsets.UTF_8).length > MAX_SUBJECT_BYTES) {
      // the unique index on (issuer, subject) takes about 2.7 kB a row: 1,024 characters of CJK would not fit
      body.reject("subject", "must be at most " + MAX_SUBJECT_BYTES + " bytes in UTF-8");
    }
    if (audience != null && audience.isBlank()) {
      // no token's aud names it, so the credential would take no token at all; leaving it out takes any
      body.reject("audience", "must not be blank (leave it out to take tokens of any audience)");
    }
    body.validate();
    var credentialId = TimeOrderedIds.next();
    pool.withTransaction(tx -> ServiceUserRoutes.manager(tx, ctx, id)
            .compose(access -> {
              var trusted = trustedIssuers.get(issuer);
              if (trusted == null) {
                return Future.failedFuture(ApiException.unprocessable("untrusted_issuer",
                    "The issuer is none of the identity providers trusted here (ORGPLANE_TRUSTED_ISSUERS)."));
              }
              if (trusted.workloadAudience() == null) {
                return Future.failedFuture(ApiException.unprocessable("issuer_without_workloads",
                    "The issuer is trusted for people's sign-in only: its entry of ORGPLANE_TRUSTED_ISSUERS names "
                        + "no workloadAudience, so none of its tokens is a machine's."));
              }
              return CredentialLimits.requireRoomForFederated(tx, id)
                  .compose(v -> FederatedCredentials.add(tx, id, credentialId, issuer, subject, audience,
                      access.userId()))
                  .map(added -> added.orElseThrow(() -> ApiException.conflict("federated_subject_taken",
                      "This service user already has a federated credential naming this issuer's subject.")))
                  .compose(added -> ServiceUserRoutes.audit(tx, ctx, access, "service_user.federated_credential_added",
                      id, details(credentialId).put("issuer", issuer).put("subject", subject)).map(added))
                  .compose(added -> Replies.keep(tx, ctx, Reply.created(
                      OrganizationPaths.of(access.orgId(), "service-users", id, "federated-credentials", credentialId),
                      added)));
            }))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.USER_LIST)
        .compose(access -> FederatedCredentials.list(pool, access.orgId(), id, after, page.fetchSize()))
        .map(found -> found.orElseThrow(ServiceUserRoutes::notFound))
        .onSuccess(credentials -> ctx.json(page.page(credentials, c -> c, c -> c.getString("id"))))
        .onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("sid"), "sid");
    var credentialId = Ids.uuid(ctx.pathParam("fid"), "fid");
    pool.withTransaction(tx -> ServiceUserRoutes.manager(tx, ctx, id)
            .compose(access -> FederatedCredentials.remove(tx, access.orgId(), id, credentialId)
                .compose(removed -> removed ? ServiceUserRoutes.audit(tx, ctx, access,
                    "service_user.federated_credential_removed", id, details(credentialId))
                    : Future.failedFuture(ApiException.notFound("federated_credential_not_found",
                        "No such federated credential of this service user.")))))
        .onSuccess(v -> {
          revocations.markRevoked(credentialId.toString());
          Replies.noContent(ctx);
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject details(UUID credentialId) {
    return new JsonObject().put("federatedCredentialId", credentialId.toString());
  }
}
