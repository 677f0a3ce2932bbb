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
 * callers share that one request.
 */
public final class RemoteJwks implements KeySource {

  private final Vertx vertx;
  private final WebClient client;
  private final String url;
  private final long minRefreshMillis;
  private Future<List<JsonObject>> current;
  private long fetchedAt;

  public RemoteJwks(Vertx vertx, String url, long minRefreshMillis) {
    this.vertx = vertx;
    this.url = url;
    this.minRefreshMillis = minRefreshMillis;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(2000).setIdleTimeout(30)
        .setIdleTimeoutUnit(TimeUnit.SECONDS));
  }

  @Override
  public synchronized Future<List<JsonObject>> keys() {
    if (current == null || current.failed()) {
      return fetch();
    }
    return current;
  }

  @Override
  public synchronized Future<List<JsonObject>> refresh() {
    if (current != null && !current.isComplete()) {
      return current;
    }
    if (current != null && System.currentTimeMillis() - fetchedAt < minRefreshMillis) {
      return current;
    }
    return fetch();
  }

  private Future<List<JsonObject>> fetch() {
    fetchedAt = System.currentTimeMillis();
    var previous = current;
    current = client.getAbs(url).timeout(5000).send()
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(parse(response.bodyAsJsonObject()))
            : Future.failedFuture(new IllegalStateException("JWKS " + url + " answered " + response.statusCode())))
        .recover(err -> previous != null && previous.succeeded() ? previous : Future.failedFuture(err));
    return current;
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
