package dev.orgplane.engine.orgapi;

import dev.orgplane.kit.auth.TokenRevocations;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Supplier;

/**
 * The tokens org-service has withdrawn before their expiry ({@code GET /v1/token-revocations}, read with the
 * engine's own token): what the engine refuses on the requests it serves without asking org-service (its own jobs'
 * pages, events, cancel and retry), so an ended session or a revoked credential ends here too.
 */
public final class RevokedTokenFeed implements Supplier<Future<TokenRevocations.Snapshot>> {

  private final WebClient client;
  private final String url;
  private final ServiceToken token;
  /** The last list read and its ETag: most polls find it unchanged (304) and carry no list. */
  private TokenRevocations.Snapshot last;
  private String etag;

  public RevokedTokenFeed(WebClient client, String orgServiceUrl, ServiceToken token) {
    this.client = client;
    this.url = orgServiceUrl + "/v1/token-revocations";
    this.token = token;
  }

  @Override
  public Future<TokenRevocations.Snapshot> get() {
    return token.authorized(bearer -> {
          var request = client.getAbs(url).bearerTokenAuthentication(bearer);
          if (etag != null) {
            request.putHeader("If-None-Match", etag);
          }
          return request.send();
        })
        .map(response -> {
          if (response.statusCode() == 304 && last != null) {
            return last;
          }
          last = TokenRevocations.Snapshot.fromJson(OrgAnswers.body(response));
          etag = response.getHeader("ETag");
          return last;
        });
  }
}
