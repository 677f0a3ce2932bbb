package dev.orgplane.kit.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The keys published at a JWKS URL. The first successful fetch is cached and served until a token
 * names a kid we lack; then one refetch is allowed per {@code minRefreshMillis}, and concurrent
 * callers share that one request. A failed first fetch is remembered for as long: a token naming the issuer must not
 * send a request to it each time (every token a forger makes up would).
 */
public final class RemoteJwks implements KeySource {

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final long minRefreshMillis;
  private Future<List<JsonObject>> current;
  private long answeredAt;

  public RemoteJwks(Vertx vertx, String url, long minRefreshMillis) {
    this.vertx = vertx;
    this.url = url;
    this.minRefreshMillis = minRefreshMillis;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(30)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
  }

  @Override
  public synchronized Future<List<JsonObject>> keys() {
    if (current == null || current.failed() && mayFetchAgain()) {
      return fetch();
    }
    return current;
  }

  @Override
  public synchronized Future<List<JsonObject>> refresh() {
    if (current != null && !current.isComplete()) {
      return current;
    }
    if (current != null && !mayFetchAgain()) {
      return current;
    }
    return fetch();
  }

  private boolean mayFetchAgain() {
    return System.currentTimeMillis() - answeredAt >= minRefreshMillis;
  }

  /** The interval runs from the answer (or the timeout), not the ask: a slow failure must not be retried at once. */
  private Future<List<JsonObject>> fetch() {
    var previous = current;
    current = client.getAbs(url).timeout(5000).send()
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(parse(response.bodyAsJsonObject()))
            : Future.failedFuture(new IllegalStateException("JWKS " + url + " answered " + response.statusCode())))
        .recover(err -> previous != null && previous.succeeded() ? previous : Future.failedFuture(err))
        .andThen(done -> answered());
    return current;
  }

  private synchronized void answered() {
    answeredAt = System.currentTimeMillis();
  }

  static List<JsonObject> parse(JsonObject jwks) {
    var keys = jwks == null ? null : jwks.getJsonArray("keys");
    if (keys == null) {
      return List.of();
    }
    return keys.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }

  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }
}
