package dev.orgplane.kit.http;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.Settings;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Watchers of progress over real HTTP; the "resources" are counters that end at their twentieth read, or, named
 * {@code long-*}, at their thousandth; named {@code gone-*}, they are gone at their fifth. Each request watches as the caller its {@code X-Caller} names, or as one of
 * its own; a caller may have {@value #PER_CALLER} streams open, each for an hour ({@code /work}) or for
 * {@value #SHORT_LIFETIME_MILLIS} ms ({@code /short}).
 */
class ProgressEventsTest {

  private static final long POLL_MILLIS = 50;
  /**
   * Of the streams at {@code /quick}, for tests whose streams must run many polls: twice
   * {@link ProgressEvents#RECHECK_POLLS} polls take 1.2 s at this poll, 6 s at {@link #POLL_MILLIS}.
   */
  private static final long QUICK_POLL_MILLIS = 10;
  private static final int PER_CALLER = 2;
  /** The default: longer than the tests here wait, so no comment line comes between the events they read. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final long SHORT_LIFETIME_MILLIS = 500;
  private static final int SOCKET_BUFFER = 64 * 1024;

  private record Work(String id, int tick, boolean ended) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("tick", tick).put("status", ended ? "succeeded" : "running");
    }
  }

  private Vertx vertx;
  private HttpClient client;
  private HttpServer server;
  private int port;
  /** The service's stop: notice at once, then as long a grace as the test would wait. */
  private Draining draining;
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  /** Who watches: by default someone who may go on for ever. */
  private ProgressEvents.Watcher watcher = new ProgressEvents.Watcher("anyone", () -> true, Future::succeededFuture);
  private final AtomicInteger requests = new AtomicInteger();
  /** Requests of {@code /checked} whose stream was asked for, their caller gone. */
  private final AtomicInteger streamedAfterHangUp = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    draining = new Draining(vertx, new Settings(new JsonObject().put(Draining.NOTICE, "0")
        .put(Draining.GRACE, String.valueOf(WAIT_SECONDS))));
    var events = new ProgressEvents<String, Work>("work", this::read, Work::toJson, Work::ended, POLL_MILLIS,
        KEEP_ALIVE, new StreamLimits(vertx, PER_CALLER, Duration.ofHours(1)), draining);
    var shortLived = new ProgressEvents<String, Work>("work", this::read, Work::toJson, Work::ended, POLL_MILLIS,
        KEEP_ALIVE, new StreamLimits(vertx, PER_CALLER, Duration.ofMillis(SHORT_LIFETIME_MILLIS)), draining);
    var quick = new ProgressEvents<String, Work>("work", this::read, Work::toJson, Work::ended, QUICK_POLL_MILLIS,
        KEEP_ALIVE, new StreamLimits(vertx, PER_CALLER, Duration.ofHours(1)), draining);
    var router = Router.router(vertx);
    router.get("/work/:id/events").handler(ctx -> events.stream(ctx, ctx.pathParam("id"),
        new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx)));
    router.get("/quick/:id/events").handler(ctx -> quick.stream(ctx, ctx.pathParam("id"),
        new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx)));
    router.get("/short/:id/events").handler(ctx -> shortLived.stream(ctx, ctx.pathParam("id"),
        new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx)));
    router.get("/checked/:id/events").handler(ctx -> checkOutwaited(ctx).onSuccess(v -> {
      events.stream(ctx, ctx.pathParam("id"), new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx));
      streamedAfterHangUp.incrementAndGet();
    }));
    ProblemFailureHandler.install(router);
    // the services' own server, which compresses an answer for a client that takes gzip
    server = ServiceHttp.listen(vertx, HeadRequests.alongsideGets(router), "127.0.0.1", 0).await();
    port = server.actualPort();
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(100));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** {@link #watcher}, as the caller the request names, or one of its own. */
  private ProgressEvents.Watcher watcherOf(RoutingContext ctx) {
    var caller = ctx.request().getHeader("X-Caller");
    return new ProgressEvents.Watcher(caller != null ? caller : "caller-" + requests.incrementAndGet(),
        watcher.signedIn(), watcher.allowed());
  }

  /**
   * A check of the caller's access, as a route makes before it streams (a read, a call to another service), that
   * answers only once the caller has hung up.
   */
  private Future<Void> checkOutwaited(RoutingContext ctx) {
    var answered = Promise.<Void>promise();
    vertx.setPeriodic(5, id -> {
      if (ctx.response().closed()) {
        vertx.cancelTimer(id);
        answered.complete();
      }
    });
    return answered.future();
  }

  /** Each read of a resource moves it a tick on; it ends at its twentieth read. */
  private Future<Optional<Work>> read(String id) {
    int tick = reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    if (id.startsWith("gone-") && tick >= 5) {
      return Future.succeededFuture(Optional.empty());
    }
    return Future.succeededFuture(Optional.of(new Work(id, tick, tick >= (id.startsWith("long-") ? 1000 : 20))));
  }

  private Future<String> watch(String id) {
    return streamAt("/work/" + id + "/events");
  }

  /** The whole stream at {@code path}, once it has closed. */
  private Future<String> streamAt(String path) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(ClientCalls::send)
        .map(read -> read.body().toString());
  }

  /** A refused stream request's answer, read whole. */
  private record Refusal(int status, String retryAfter, JsonObject problem) {
  }

  /**
   * {@code caller}'s request for {@code path}'s stream, refused: its body read by handlers set before it was sent (a
   * body asked for later, from the test's thread, could miss a short answer that had already ended).
   */
  private Refusal refusal(String path, String caller) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> ClientCalls.send(request.putHeader("X-Caller", caller)))
        .map(read -> new Refusal(read.status(), read.response().getHeader("Retry-After"), read.body().toJsonObject()))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).recover(late(caller, path)).await();
  }

  /**
   * How long a head, a refusal's body or a closed stream's release may take to come: milliseconds alone, but the full
   * suite runs other modules' builds beside this one on two cores, and two seconds timed out there.
   */
  private static final int WAIT_SECONDS = 10;

  /**
   * The response to {@code caller}'s request for {@code path}'s stream, once its head has come, and its body: asked for
   * from this thread once the head had come, the body lost the first event, which comes with the head.
   */
  private ClientCalls.Opened open(String path, String caller) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(request -> ClientCalls.open(request.putHeader("X-Caller", caller)))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).recover(late(caller, path)).await();
  }

  /**
   * A wait that timed out, naming its request: a timeout once failed a full suite run on a quiet machine (session 30)
   * and told nothing of which request went unanswered.
   */
  private static <T> Function<Throwable, Future<T>> late(String caller, String path) {
    return failure -> Future.failedFuture(new IllegalStateException(
        caller + "'s request for " + path + " was not answered within " + WAIT_SECONDS + " s", failure));
  }

  @Test
  void theWatchersOfOneResourceShareItsReadsAndEachSeesItEnd() {
    var watchers = new ArrayList<Future<String>>();
    for (int i = 0; i < 40; i++) {
      watchers.add(watch("shared"));
    }
    watchers.add(watch("alone"));
    Future.all(watchers).timeout(20, TimeUnit.SECONDS).await();
    for (var watcher : watchers) {
      var stream = watcher.result();
      assertTrue(stream.endsWith("event: end\ndata: {\"id\":\"" + (watcher == watchers.get(40) ? "alone" : "shared")
          + "\",\"status\":\"succeeded\"}\n\n"), stream);
    }
    // forty watchers polling apart read it forty times a poll (it would end within the first); shared, about once
    // a poll, and a watcher whose turn comes just after a shared read expired may add one
    var shared = reads.get("shared").get();
    assertTrue(shared >= 20 && shared <= 24, "reads of the resource forty watch: " + shared);
    assertEquals(20, reads.get("alone").get(), "reads of the other one, its own");
  }

  /** A watcher whose token expired or was revoked is let go at the next poll: the stream closes, with no end. */
  @Test
  void aWatcherNoLongerSignedInIsLetGoWithoutAnEnd() {
    watcher = new ProgressEvents.Watcher("anyone", () -> reads.computeIfAbsent("signed-out", id -> new AtomicInteger()).get() < 5, Future::succeededFuture);
    var stream = watch("signed-out").timeout(10, TimeUnit.SECONDS).await();
    assertFalse(stream.contains("event: end"), stream);
    assertEquals(5, reads.get("signed-out").get(), "no read after the one the watcher was signed out at");
  }

  /** Whether the watcher may still see the resource is asked every so many polls; a refusal closes the stream. */
  @Test
  void aWatcherNoLongerAllowedIsLetGoAtTheNextCheck() {
    var asked = new AtomicInteger();
    watcher = new ProgressEvents.Watcher("anyone", () -> true,
        () -> asked.incrementAndGet() < 2 ? Future.succeededFuture() : Future.failedFuture("no longer an admin"));
    var stream = streamAt("/quick/long-refused/events").timeout(20, TimeUnit.SECONDS).await();
    assertFalse(stream.contains("event: end"), stream);
    assertEquals(2, asked.get(), "asked every " + ProgressEvents.RECHECK_POLLS + " polls, until refused");
    var reads = this.reads.get("long-refused").get();
    assertTrue(reads <= 2 * ProgressEvents.RECHECK_POLLS, "reads until the refusal: " + reads);
    vertx.timer(5 * POLL_MILLIS).await();
    assertEquals(reads, this.reads.get("long-refused").get(), "the stream polls no more");
  }

  /** What a stream's response has been given to write, asked on its own event loop. */
  private record Streamed(Context context, HttpServerResponse response) {
    long bytesWritten() {
      var written = Promise.<Long>promise();
      context.runOnContext(v -> written.complete(response.bytesWritten()));
      return written.future().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
    }
  }

  /**
   * A watcher that reads nothing is sent no state while the one it was sent waits to be written out: each change of
   * the resource (here half a mebibyte) was queued for it whole, without bound, for as long as the stream lived (an
   * hour).
   */
  @Test
  void aWatcherThatReadsNothingIsNotQueuedEveryChange() throws IOException {
    var padding = "x".repeat(512 * 1024);
    var padded = new ProgressEvents<String, Work>("work", this::read, work -> work.toJson().put("padding", padding),
        Work::ended, POLL_MILLIS, KEEP_ALIVE, new StreamLimits(vertx, PER_CALLER, Duration.ofHours(1)), draining);
    var streamed = Promise.<Streamed>promise();
    var router = Router.router(vertx);
    router.get("/padded/:id/events").handler(ctx -> {
      streamed.complete(new Streamed(Vertx.currentContext(), ctx.response()));
      padded.stream(ctx, ctx.pathParam("id"), new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx));
    });
    // small socket buffers, and a plain socket that is never read: nothing but the kernel takes what is written
    var paddedServer = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(SOCKET_BUFFER))
        .requestHandler(router).listen(0, "127.0.0.1").await();
    try (var socket = new Socket()) {
      socket.setReceiveBufferSize(SOCKET_BUFFER);
      socket.connect(new InetSocketAddress("127.0.0.1", paddedServer.actualPort()));
      socket.getOutputStream().write("GET /padded/long-unread/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      var stream = streamed.future().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
      var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (reads.computeIfAbsent("long-unread", id -> new AtomicInteger()).get() < 30) {
        assertTrue(System.nanoTime() < deadline, "the stream read its resource 30 times within " + WAIT_SECONDS + " s");
        vertx.timer(POLL_MILLIS).await();
      }
      var written = stream.bytesWritten();
      assertTrue(written < 3L * padding.length(), "given to write for a watcher who reads nothing, after 30 changes "
          + "of half a mebibyte: " + written + " bytes");
    }
  }

  /** A read of a resource under way, answered when the test says, on the event loop that asked. */
  private record PendingRead(Context context, Promise<Optional<Work>> answer) {
    void answer(Work state) {
      context.runOnContext(v -> answer.complete(Optional.of(state)));
    }
  }

  /**
   * A watcher is sent the states of the resource in the order they were read, whatever order the reads end in: a read
   * slower than half a poll was no longer shared, the next poll started another, and one that began later could end
   * first, its state sent before the older one.
   */
  @Test
  void statesAreSentInTheOrderTheyWereRead() {
    var pending = new CopyOnWriteArrayList<PendingRead>();
    var slow = new ProgressEvents<String, Work>("work", id -> {
      var read = new PendingRead(Vertx.currentContext(), Promise.promise());
      pending.add(read);
      return read.answer().future();
    }, Work::toJson, Work::ended, POLL_MILLIS, KEEP_ALIVE, new StreamLimits(vertx, PER_CALLER, Duration.ofHours(1)),
        draining);
    var router = Router.router(vertx);
    router.get("/slow/:id/events").handler(ctx -> slow.stream(ctx, ctx.pathParam("id"),
        new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx)));
    var slowServer = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    var body = client.request(HttpMethod.GET, slowServer.actualPort(), "127.0.0.1", "/slow/overtaken/events")
        .compose(ClientCalls::send)
        .map(ClientCalls.Read::body);
    awaitReads(pending, 1);
    vertx.timer(4 * POLL_MILLIS).await();
    // the reads under way answer last first, each with the state as it stood when it began
    var underWay = pending.size();
    for (int i = underWay - 1; i >= 0; i--) {
      pending.get(i).answer(new Work("overtaken", i + 1, false));
      vertx.timer(POLL_MILLIS).await();
    }
    awaitReads(pending, underWay + 1);
    pending.get(pending.size() - 1).answer(new Work("overtaken", pending.size(), true));
    var stream = body.timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().toString();
    var ticks = Pattern.compile("\"tick\":(\\d+)").matcher(stream).results()
        .map(tick -> Integer.valueOf(tick.group(1))).toList();
    assertEquals(ticks.stream().sorted().toList(), ticks, stream);
    assertTrue(stream.contains("event: end\n"), stream);
  }

  /** Waits until {@code reads} reads of the resource have begun. */
  private void awaitReads(List<PendingRead> pending, int reads) {
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (pending.size() < reads && System.nanoTime() < deadline) {
      vertx.timer(POLL_MILLIS / 5).await();
    }
    assertTrue(pending.size() >= reads, "reads begun: " + pending.size());
  }

  /**
   * Whatever the poll, a stream says something every so often, so that proxies with an idle timeout keep it open: every
   * twenty polls without a change instead, a poll of two seconds left quiet streams silent for 40 s, and the gateway's
   * route timeout, 30 s, reset them. Here a poll of an hour, a keep-alive of {@value #POLL_MILLIS} ms.
   */
  @Test
  void aQuietStreamSaysSomethingEveryKeepAliveWhateverThePoll() {
    var slowPolled = new ProgressEvents<String, Work>("work", this::read, Work::toJson, Work::ended,
        TimeUnit.HOURS.toMillis(1), Duration.ofMillis(POLL_MILLIS), new StreamLimits(vertx, PER_CALLER,
        Duration.ofHours(1)), draining);
    var router = Router.router(vertx);
    router.get("/slow-polled/:id/events").handler(ctx -> slowPolled.stream(ctx, ctx.pathParam("id"),
        new Work(ctx.pathParam("id"), 0, false), watcherOf(ctx)));
    var slowPolledServer = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    var received = new StringBuffer();
    client.request(HttpMethod.GET, slowPolledServer.actualPort(), "127.0.0.1", "/slow-polled/long-quiet/events")
        // the handler is set on the event loop as the answer's head arrives: set from this thread once the send's
        // future had completed, it missed the first event when the loop read the head and that event first
        .compose(request -> request.send().onSuccess(response ->
            response.handler(piece -> received.append(piece.toString(StandardCharsets.UTF_8)))));
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (comments(received) < 3 && System.nanoTime() < deadline) {
      vertx.timer(POLL_MILLIS).await();
    }
    assertTrue(received.toString().startsWith("event: work\n"), received.toString());
    assertTrue(comments(received) >= 3, received.toString());
    assertEquals(null, reads.get("long-quiet"), "no poll yet");
  }

  /** How many keep-alive comments {@code stream} holds. */
  private static long comments(CharSequence stream) {
    return Pattern.compile("^: keep-alive\n\n", Pattern.MULTILINE).matcher(stream).results().count();
  }

  /**
   * A stream whose resource is gone ends, without an end (nothing says how the work ended): it stayed open, polling no
   * more, counted against its caller until they hung up.
   */
  @Test
  void aStreamWhoseResourceIsGoneEndsWithoutAnEnd() {
    var stream = watch("gone-deleted").timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
    assertTrue(stream.startsWith("event: work\n"), stream);
    assertFalse(stream.contains("event: end"), stream);
  }

  /** A stream's answer to a client that takes gzip, read whole. */
  private record Encoded(String contentEncoding, String body) {
  }

  /**
   * Events go out as they are to a client that takes gzip, as browsers' {@code EventSource} say they do: compressed, a
   * proxy that ends a stream between two events when it stops (the gateway) could not find where they end.
   */
  @Test
  void eventsAreNotCompressedForAClientThatTakesGzip() {
    var answer = client.request(HttpMethod.GET, port, "127.0.0.1", "/work/zipped/events")
        .compose(request -> ClientCalls.send(request.putHeader("Accept-Encoding", "gzip")))
        .map(read -> new Encoded(read.response().getHeader("Content-Encoding"),
            read.body().toString(StandardCharsets.UTF_8)))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
    assertEquals(null, answer.contentEncoding());
    assertTrue(answer.body().startsWith("event: work\n") && answer.body().contains("event: end\n"), answer.body());
  }

  /** A HEAD gets the stream's head at once, and no read is made for it. */
  @Test
  void aHeadIsAnsweredAtOnce() {
    var contentType = client.request(HttpMethod.HEAD, port, "127.0.0.1", "/work/headed/events")
        .compose(request -> request.send())
        .compose(response -> response.end().map(v -> response.getHeader("Content-Type")))
        .timeout(WAIT_SECONDS, TimeUnit.SECONDS).await();
    assertEquals("text/event-stream", contentType);
    assertEquals(null, reads.get("headed"));
  }

  /** A caller with as many streams open as allowed is refused another, until one of theirs closes; others are not. */
  @Test
  void aCallerWithAsManyStreamsOpenAsAllowedIsRefusedAnother() {
    var held = new ArrayList<ClientCalls.Opened>();
    for (int i = 0; i < PER_CALLER; i++) {
      held.add(open("/work/long-held-" + i + "/events", "ann"));
      assertEquals(200, held.get(i).status());
    }
    var refused = refusal("/work/long-held-more/events", "ann");
    assertEquals(429, refused.status());
    assertEquals("10", refused.retryAfter());
    assertEquals("too_many_streams", refused.problem().getString("code"), refused.problem().encode());
    assertEquals(200, open("/work/long-held-0/events", "bob").status(), "another caller's streams count apart");

    held.get(0).response().request().connection().close().await();
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    var again = open("/work/long-held-more/events", "ann");
    while (again.status() == 429 && System.nanoTime() < deadline) {
      vertx.timer(POLL_MILLIS).await();
      again = open("/work/long-held-more/events", "ann");
    }
    assertEquals(200, again.status(), "a closed stream no longer counts");
  }

  /**
   * A caller who hangs up while their request is checked is streamed nothing, and counted for nothing: the close came
   * before the stream could listen for it, so every such hang-up counted for ever, until the caller was refused every
   * stream until the instance's restart.
   */
  @Test
  void aCallerWhoHungUpBeforeTheStreamStartedIsNotCounted() throws IOException {
    for (int i = 0; i < PER_CALLER; i++) {
      try (var socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(("GET /checked/long-left-" + i + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "X-Caller: erin\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
    var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (streamedAfterHangUp.get() < PER_CALLER && System.nanoTime() < deadline) {
      vertx.timer(POLL_MILLIS).await();
    }
    assertEquals(PER_CALLER, streamedAfterHangUp.get(), "streams asked for after their callers hung up");
    assertEquals(200, open("/work/long-kept/events", "erin").status(), "erin has no stream open");
    assertEquals(null, reads.get("long-left-0"), "no read for a caller who is gone");
  }

  /** A stream that ended, as the work did, no longer counts either. */
  @Test
  void anEndedStreamNoLongerCounts() {
    for (int i = 0; i < PER_CALLER + 1; i++) {
      var stream = open("/quick/ended-" + i + "/events", "carol").body().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().toString();
      assertTrue(stream.contains("event: end"), stream);
    }
  }

  /** A stream open for its lifetime closes without an end, the work going on, for its client to reconnect. */
  @Test
  void aStreamOpenForItsLifetimeClosesWithoutAnEnd() {
    var stream = open("/short/long-aged/events", "dave").body().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().toString();
    assertTrue(stream.startsWith("event: work"), stream);
    assertFalse(stream.contains("event: end"), stream);
    var reads = this.reads.get("long-aged").get();
    assertTrue(reads <= SHORT_LIFETIME_MILLIS / POLL_MILLIS + 1, "reads in its lifetime: " + reads);
  }

  /**
   * A stopping service lets its streams go at their next poll, without an end (the work goes on), for their clients to
   * reconnect elsewhere: its drain does not wait out the grace for them.
   */
  @Test
  void aStreamIsLetGoWithoutAnEndOnceItsServiceGivesNotice() {
    var opened = open("/work/long-stopping/events", "frank");
    assertEquals(200, opened.status());
    var started = System.nanoTime();
    draining.drain(server).timeout(2 * WAIT_SECONDS, TimeUnit.SECONDS).await();
    var drainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(drainedMillis < TimeUnit.SECONDS.toMillis(WAIT_SECONDS) / 2, "the drain took " + drainedMillis + " ms");
    var received = opened.body().timeout(WAIT_SECONDS, TimeUnit.SECONDS).await().toString();
    assertTrue(received.startsWith("event: work"), received);
    assertFalse(received.contains("event: end"), received);
  }
}
