package dev.orgplane.kit.auth;

import dev.orgplane.kit.config.MaskedUrl;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The keys published at a JWKS URL. The first successful fetch is cached and served for the time its answer's
 * {@code Cache-Control: max-age} allows (5 minutes without one; within the bounds of its {@link JwksSchedule}); then
 * the next caller starts a refetch and is served the keys known meanwhile, so a key the issuer withdrew stops being
 * trusted within that time, not at the next restart. A refetch that fails keeps the keys known, and is tried again
 * after the schedule's {@code minRefreshMillis}. A token naming a kid we lack refetches at once, at most once per
 * {@code minRefreshMillis}. Concurrent callers share one request. A failed first fetch is remembered for
 * {@code minRefreshMillis} too: a token naming the issuer must not send a request to it each time (every token a
 * forger makes up would). The intervals run from the answer (or the timeout), not the ask: a slow failure must not
 * be retried at once. Whoever remembers tokens these keys verified hears of keys a fetch finds gone
 * ({@link #whenWithdrawn}). Kept fresh ({@link #keepFresh}), the keys are also fetched again by a timer once they are
 * stale (or, after a failed refetch, once the minimum interval has passed), though no token asks for them. Closed,
 * they are fetched no more: a token that needs a fetch then fails as if the keys could not be fetched.
 */
public final class RemoteJwks implements KeySource {

  private static final long CONNECT_TIMEOUT_MILLIS = 2_000;

  private record Fetched(List<JsonObject> keys, long ttlMillis) {
  }

  private final Vertx vertx;
  private final WebClient client;
  /** Whether the client was made for these keys alone, so that closing them closes it. */
  private final boolean ownClient;
  private final String url;
  private final JwksSchedule schedule;
  /** The keys as last fetched, or the failure of a first fetch that found none; null before the first answer. */
  private Future<List<JsonObject>> known;
  private Future<List<JsonObject>> fetching;
  private long answeredAt;
  private long staleAt;
  private final List<Consumer<Set<String>>> withdrawalListeners = new CopyOnWriteArrayList<>();
  private boolean keptFresh;
  private long refetchTimer = -1;
  private boolean closed;

  /** With an HTTP client of its own, closed with it, on the schedule {@link JwksSchedule#atLeast}. */
  public RemoteJwks(Vertx vertx, String url, long minRefreshMillis) {
    this(vertx, url, JwksSchedule.atLeast(minRefreshMillis));
  }

  /** With an HTTP client of its own, closed with it. */
  public RemoteJwks(Vertx vertx, String url, JwksSchedule schedule) {
    this(vertx, WebClient.create(vertx, new WebClientOptions().setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS)),
        true, url, schedule);
  }

  /**
   * Fetching with {@code client}, which the process may use for more than keys (one connection pool per address):
   * its owner closes it, not {@link #close}.
   */
  public RemoteJwks(Vertx vertx, WebClient client, String url, JwksSchedule schedule) {
    this(vertx, client, false, url, schedule);
  }

  private RemoteJwks(Vertx vertx, WebClient client, boolean ownClient, String url, JwksSchedule schedule) {
    this.vertx = vertx;
    this.url = url;
    this.schedule = schedule;
    this.client = client;
    this.ownClient = ownClient;
  }

  @Override
  public synchronized Future<List<JsonObject>> keys() {
    if (known == null || known.failed() && mayFetchAgain()) {
      // nothing to serve meanwhile: the caller waits for the fetch
      return fetch();
    }
    if (known.succeeded() && System.currentTimeMillis() >= staleAt) {
      fetch();
    }
    return known;
  }

  @Override
  public synchronized Future<List<JsonObject>> refresh() {
    if (fetching != null) {
      return fetching;
    }
    if (known != null && !mayFetchAgain()) {
      return known;
    }
    return fetch();
  }

  private boolean mayFetchAgain() {
    return System.currentTimeMillis() - answeredAt >= schedule.minRefreshMillis();
  }

  private Future<List<JsonObject>> fetch() {
    if (fetching != null) {
      return fetching;
    }
    if (closed) {
      // fails as keys that cannot be fetched (503, retry elsewhere): its client, closed with it, threw at once (a 500)
      return Future.failedFuture(new IllegalStateException("JWKS " + MaskedUrl.of(url) + " is closed"));
    }
    var request = client.getAbs(url).connectTimeout(CONNECT_TIMEOUT_MILLIS).timeout(5000).send()
        .compose(response -> response.statusCode() == 200
            ? Future.succeededFuture(new Fetched(parse(response.bodyAsJsonObject()),
                schedule.ttlMillis(response.getHeader("Cache-Control"))))
            : Future.failedFuture(new IllegalStateException("JWKS " + MaskedUrl.of(url) + " answered "
                + response.statusCode())))
        .transform(this::answered);
    // a request that failed at once (a URL the client cannot use) has been answered already
    fetching = request.isComplete() ? null : request;
    return request;
  }

  private synchronized Future<List<JsonObject>> answered(AsyncResult<Fetched> fetched) {
    fetching = null;
    answeredAt = System.currentTimeMillis();
    if (fetched.succeeded()) {
      var before = known != null && known.succeeded() ? known.result() : List.<JsonObject>of();
      known = Future.succeededFuture(fetched.result().keys());
      staleAt = answeredAt + fetched.result().ttlMillis();
      // once the fresh set serves: a token verified meanwhile cannot be remembered with a withdrawn key
      tellWithdrawn(before, known.result());
    } else {
      staleAt = answeredAt + schedule.minRefreshMillis();
      if (known == null || known.failed()) {
        known = Future.failedFuture(fetched.cause());
      }
    }
    scheduleRefetch();
    return known;
  }

  @Override
  public synchronized void keepFresh() {
    keptFresh = true;
    scheduleRefetch();
  }

  @Override
  public synchronized void stopKeepingFresh() {
    keptFresh = false;
    vertx.cancelTimer(refetchTimer);
    refetchTimer = -1;
  }

  /**
   * One timer, for when the keys go stale; every answer moves it, so a fetch a token started meanwhile counts as
   * well. None until keys are known: before that no token was verified, so none is remembered to forget, and an
   * issuer that is down is not asked on a period for nothing.
   */
  private void scheduleRefetch() {
    vertx.cancelTimer(refetchTimer);
    refetchTimer = -1;
    if (keptFresh && known != null && known.succeeded()) {
      refetchTimer = vertx.setTimer(Math.max(1, staleAt - System.currentTimeMillis()), id -> refetchStale());
    }
  }

  /** Whether a timed fetch is due; for tests. */
  synchronized boolean refetchScheduled() {
    return refetchTimer != -1;
  }

  private synchronized void refetchStale() {
    refetchTimer = -1;
    // a timer cancelled while its run was already queued
    if (keptFresh) {
      fetch();
    }
  }

  @Override
  public void whenWithdrawn(Consumer<Set<String>> listener) {
    withdrawalListeners.add(listener);
  }

  /** A key is gone unless the fresh set holds it unchanged: one replaced under its kid signed other tokens. */
  private void tellWithdrawn(List<JsonObject> before, List<JsonObject> fresh) {
    var gone = before.stream().filter(key -> !fresh.contains(key))
        .flatMap(key -> key.getValue("kid") instanceof String kid ? Stream.of(kid) : Stream.empty())
        .collect(Collectors.toUnmodifiableSet());
    if (!gone.isEmpty()) {
      withdrawalListeners.forEach(listener -> listener.accept(gone));
    }
  }

  static List<JsonObject> parse(JsonObject jwks) {
    var keys = jwks == null ? null : jwks.getJsonArray("keys");
    if (keys == null) {
      return List.of();
    }
    return keys.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList();
  }

  @Override
  public synchronized void close() {
    closed = true;
    stopKeepingFresh();
    if (ownClient) {
      client.close();
    }
  }
}
