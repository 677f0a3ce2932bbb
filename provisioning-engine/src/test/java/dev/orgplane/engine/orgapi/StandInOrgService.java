package dev.orgplane.engine.orgapi;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * A stand-in for org-service, for tests of what the engine asks of it: it signs the engine in and hands every
 * other request to the test's handler.
 */
public final class StandInOrgService {

  private StandInOrgService() {
  }

  /** The engine's client (working for no job) of a stand-in that answers with {@code handler}. */
  public static OrgApiClient clientOf(Vertx vertx, Handler<HttpServerRequest> handler) {
    var orgService = start(vertx, handler);
    var http = WebClient.create(vertx);
    return new OrgApiClient(http, orgService, tokenOf(http, orgService), null);
  }

  /** Starts a stand-in that answers with {@code handler}; answers its URL. */
  public static String start(Vertx vertx, Handler<HttpServerRequest> handler) {
    var port = vertx.createHttpServer().requestHandler(request -> {
      if (request.path().equals("/v1/auth/token")) {
        request.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("access_token", "t").put("token_type", "Bearer").put("expires_in", 300).encode());
        return;
      }
      handler.handle(request);
    }).listen(0, "127.0.0.1").await().actualPort();
    return "http://127.0.0.1:" + port;
  }

  /** The engine's sign-in at the stand-in at {@code orgService}. */
  public static ServiceToken tokenOf(WebClient http, String orgService) {
    return new ServiceToken(http, orgService, "engine", "secret");
  }
}
