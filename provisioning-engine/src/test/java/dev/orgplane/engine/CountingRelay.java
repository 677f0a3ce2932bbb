package dev.orgplane.engine;

import dev.orgplane.kit.http.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * An HTTP relay in front of org-service that remembers every request it passes on, so a test can tell how many
 * calls the engine made and which; it can also answer one path with a failure of its own instead, or hold a request
 * back while the test changes what org-service will answer to it.
 */
public final class CountingRelay {

  /** Headers of one hop, not of the message. */
  private static final Set<String> HOP = Set.of("host", "content-length", "transfer-encoding", "connection");

  /** A request the relay passed on (or refused), {@code arrived} as {@link System#nanoTime} told when it came. */
  public record Seen(String method, String path, String query, String authorization, String requestId,
      long arrived) {
  }

  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final WebClient client;
  private final int targetPort;
  private final HttpServer server;
  private volatile String refusedPath;
  private volatile int refusedStatus;
  private final Set<String> unansweredOnce = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Predicate<Seen>> answerLostOnce = new AtomicReference<>();
  private final AtomicReference<Hold> hold = new AtomicReference<>();
  /** The first failure of a hold's future since {@link #checkHolds}: its request was passed on all the same. */
  private final AtomicReference<Throwable> holdFailure = new AtomicReference<>();

  /** The next request {@code which} matches waits for {@code until}'s future, asked for when that request comes. */
  private record Hold(Predicate<Seen> which, Supplier<Future<?>> until) {
  }

  private CountingRelay(Vertx vertx, int targetPort) {
    this.client = WebClient.create(vertx);
    this.targetPort = targetPort;
    this.server = vertx.createHttpServer().requestHandler(this::relay);
  }

  public static CountingRelay start(Vertx vertx, int targetPort) {
    var relay = new CountingRelay(vertx, targetPort);
    relay.server.listen(0, "127.0.0.1").await();
    return relay;
  }

  public int port() {
    return server.actualPort();
  }

  /** The requests passed on since the last {@link #clear}, in the order they came. */
  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public void clear() {
    seen.clear();
  }

  /** Answers requests for {@code path}, and for the paths under it, with {@code status} (a problem), not passed on. */
  public void refuse(String path, int status) {
    refusedStatus = status;
    refusedPath = path;
  }

  /** Leaves the next request for {@code path} unanswered, its connection open: a hung org-service. */
  public void leaveUnansweredOnce(String path) {
    unansweredOnce.add(path);
  }

  /**
   * Passes the next request {@code which} matches on, but never answers it, its connection open: org-service did what
   * was asked, and its answer was lost on the way.
   */
  public void loseAnswerOnce(Predicate<Seen> which) {
    answerLostOnce.set(which);
  }

  /**
   * Holds the next request {@code which} matches until the future {@code until} answers (called, on the relay's
   * event loop, when that request comes) completes, then passes it on; {@link #checkHolds} tells whether it did.
   */
  public void holdOnce(Predicate<Seen> which, Supplier<Future<?>> until) {
    hold.set(new Hold(which, until));
  }

  /**
   * Fails for a hold whose future failed (an assertion of the test's on the event loop, that nothing else would
   * report) or that no request came for: a test that ran without what it holds for proves nothing. Forgets both, so
   * that one test's hold does not fail the next.
   */
  public void checkHolds() {
    var failure = holdFailure.getAndSet(null);
    var unused = hold.getAndSet(null);
    if (failure != null) {
      throw new AssertionError("the future a request was held for failed", failure);
    }
    if (unused != null) {
      throw new AssertionError("no request came for a hold");
    }
  }

  /** Passes every request on again. */
  public void passAll() {
    refusedPath = null;
  }

  /** How many requests of {@code method} for {@code path} it saw. */
  public long count(String method, String path) {
    return seen.stream().filter(asking(method, path)).count();
  }

  /**
   * How many requests of {@code method} for {@code path} it saw come before {@code nanos} ({@link System#nanoTime}):
   * what came within a while, told however late the test looks.
   */
  public long countBefore(String method, String path, long nanos) {
    return seen.stream().filter(asking(method, path)).filter(s -> s.arrived() - nanos < 0).count();
  }

  private static Predicate<Seen> asking(String method, String path) {
    return s -> s.method().equals(method) && s.path().equals(path);
  }

  private void relay(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      var asked = new Seen(request.method().name(), request.path(), request.query(), request.getHeader("Authorization"),
          request.getHeader(RequestIds.HEADER), System.nanoTime());
      seen.add(asked);
      if (unansweredOnce.remove(request.path())) {
        return;
      }
      var lost = answerLostOnce.get();
      if (lost != null && lost.test(asked) && answerLostOnce.compareAndSet(lost, null)) {
        forward(request, body);
        return;
      }
      var refused = refusedPath;
      if (refused != null && (request.path().equals(refused) || request.path().startsWith(refused + "/"))) {
        request.response().setStatusCode(refusedStatus).putHeader("Content-Type", "application/problem+json")
            .end("{\"code\":\"stand_in\"}");
        return;
      }
      var held = hold.get();
      if (held != null && held.which().test(asked) && hold.compareAndSet(held, null)) {
        held.until().get().onComplete(done -> {
          if (done.failed()) {
            holdFailure.compareAndSet(null, done.cause());
          }
          passOn(request, body);
        });
        return;
      }
      passOn(request, body);
    });
  }

  private Future<HttpResponse<Buffer>> forward(HttpServerRequest request, Buffer body) {
    return client.request(request.method(), targetPort, "127.0.0.1", request.uri())
        .putHeaders(withoutHop(request.headers()))
        .sendBuffer(body);
  }

  private void passOn(HttpServerRequest request, Buffer body) {
    forward(request, body)
        .onSuccess(answer -> {
          var response = request.response().setStatusCode(answer.statusCode());
          response.headers().addAll(withoutHop(answer.headers()));
          response.end(answer.body() == null ? Buffer.buffer() : answer.body());
        })
        .onFailure(failure -> request.response().setStatusCode(502).end());
  }

  private static MultiMap withoutHop(MultiMap headers) {
    var kept = MultiMap.caseInsensitiveMultiMap();
    headers.forEach(header -> {
      if (!HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
        kept.add(header.getKey(), header.getValue());
      }
    });
    return kept;
  }
}
