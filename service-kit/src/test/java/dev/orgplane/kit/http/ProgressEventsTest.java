package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Watchers of progress over real HTTP; the "resources" are counters that end at a given tick. */
class ProgressEventsTest {

  private static final long POLL_MILLIS = 50;

  private record Work(String id, int tick, boolean ended) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("tick", tick).put("status", ended ? "succeeded" : "running");
    }
  }

  private Vertx vertx;
  private HttpClient client;
  private int port;
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    var events = new ProgressEvents<String, Work>("work", this::read, Work::toJson, Work::ended, POLL_MILLIS);
    var router = Router.router(vertx);
    router.get("/work/:id/events").handler(ctx -> events.stream(ctx, ctx.pathParam("id"), new Work(ctx.pathParam("id"), 0, false)));
    port = vertx.createHttpServer().requestHandler(HeadRequests.alongsideGets(router)).listen(0, "127.0.0.1").await().actualPort();
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(100));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** Each read of a resource moves it a tick on; it ends at its twentieth read. */
  private Future<Optional<Work>> read(String id) {
    int tick = reads.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    return Future.succeededFuture(Optional.of(new Work(id, tick, tick >= 20)));
  }

  private Future<String> watch(String id) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/work/" + id + "/events")
        .compose(request -> request.send())
        .compose(response -> response.body())
        .map(Object::toString);
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

  /** A HEAD gets the stream's head at once, and no read is made for it. */
  @Test
  void aHeadIsAnsweredAtOnce() {
    var contentType = client.request(HttpMethod.HEAD, port, "127.0.0.1", "/work/headed/events")
        .compose(request -> request.send())
        .compose(response -> response.end().map(v -> response.getHeader("Content-Type")))
        .timeout(2, TimeUnit.SECONDS).await();
    assertEquals("text/event-stream", contentType);
    assertEquals(null, reads.get("headed"));
  }
}
