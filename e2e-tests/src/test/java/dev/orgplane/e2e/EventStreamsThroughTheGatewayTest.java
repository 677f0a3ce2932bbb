package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A running batch watched through the gateway, over HTTP/1.1 as curl and a browser's {@code EventSource} ask and over
 * HTTP/2: the engine's cap on one caller's streams reaches the caller with its {@code Retry-After}, a caller hanging
 * up at the gateway frees their stream at the engine, and a reconnect starts from the batch's current state. One
 * engine, so that every stream counts at the one instance; two streams a caller, so that the cap is cheap to reach.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamsThroughTheGatewayTest {

  private static final int STREAMS_PER_CALLER = 2;

  private Platform platform;
  private Gateway gateway;
  private GroupTemplate template;
  /** The batch under way while a test watches it: long enough to outlast the test, cancelled after it. */
  private String batch;

  @BeforeAll
  void startPlatform() {
    platform = Platform.withSettings(Map.of("ORGPLANE_ENGINE_STREAMS_PER_CALLER", String.valueOf(STREAMS_PER_CALLER)));
    gateway = new Gateway(platform.baseUrl());
    template = GroupTemplate.build(gateway, platform, 2);
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @BeforeEach
  void startBatch() {
    batch = "/v1/provisioning/batches/" + template.provision(gateway, "watched-" + System.nanoTime(), 60, 1)
        .getString("id");
  }

  @AfterEach
  void cancelBatch() {
    gateway.postJson(batch + "/cancel", template.adminToken(), new JsonObject());
    template.awaitEnd(gateway, batch, 30_000);
  }

  @Test
  void overHttp1TheCapIsRelayedWithRetryAfterAndAHangUpFreesAStream() {
    assertCapRelayedAndHangUpFreesAStream(path -> WatchedEvents.overHttp1(platform.baseUrl(), path,
        template.adminToken(), Map.of()));
  }

  /** The JDK's client (17) says {@code Content-Length: 0} even with a GET: the gateway relays it on Vert.x's client. */
  @Test
  void overHttp1WithAnAnnouncedEmptyBodyTheCapIsRelayedAndAHangUpFreesAStream() {
    var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertCapRelayedAndHangUpFreesAStream(path -> WatchedEvents.over(client, platform.baseUrl(), path,
        template.adminToken()));
  }

  @Test
  void overHttp2TheCapIsRelayedWithRetryAfterAndAResetStreamFreesAStream() throws Exception {
    var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    // the first request upgrades the connection (h2c): the streams share it, and a hang-up is one stream's reset
    var upgraded = client.send(HttpRequest.newBuilder(URI.create(platform.baseUrl() + batch))
        .header("Authorization", "Bearer " + template.adminToken()).build(), HttpResponse.BodyHandlers.discarding());
    assertEquals(HttpClient.Version.HTTP_2, upgraded.version());
    assertCapRelayedAndHangUpFreesAStream(path -> WatchedEvents.over(client, platform.baseUrl(), path,
        template.adminToken()));
  }

  /**
   * EventSource resumes with {@code Last-Event-ID}; the engine's events are whole states without ids, so a reconnect,
   * with that header or without, starts from the batch as it is now: what happened while nobody watched is in its
   * first event, and nothing seen before is sent again.
   */
  @Test
  void aReconnectWithLastEventIdStartsFromTheCurrentStateNotFromWhatWasSeen() {
    var events = batch + "/events";
    WatchedEvents.Event lastSeen;
    try (var watching = WatchedEvents.overHttp1(platform.baseUrl(), events, template.adminToken(), Map.of())) {
      assertEquals(200, watching.status);
      var first = watching.next();
      lastSeen = first;
      while (succeeded(lastSeen) == succeeded(first)) {
        lastSeen = watching.next();
        assertNotNull(lastSeen, "the stream ended before the batch moved");
      }
    }
    var movedOn = succeeded(lastSeen);
    var deadline = System.currentTimeMillis() + 30_000;
    while (movedOn <= succeeded(lastSeen) && System.currentTimeMillis() < deadline) {
      GroupTemplate.sleep(100);
      movedOn = gateway.get(batch, template.adminToken()).json().getJsonObject("counts").getLong("succeeded");
    }
    assertTrue(movedOn > succeeded(lastSeen), "the batch moved on while nobody watched");
    try (var resumed = WatchedEvents.overHttp1(platform.baseUrl(), events, template.adminToken(),
        Map.of("Last-Event-ID", "1"))) {
      assertEquals(200, resumed.status);
      var first = resumed.next();
      assertEquals("batch", first.name(), first.data());
      assertTrue(succeeded(first) >= movedOn, "the reconnect starts from the current state: " + first.data()
          + ", not from what was seen last: " + lastSeen.data());
      var next = resumed.next();
      assertTrue(succeeded(next) >= succeeded(first), "and goes on from there: " + next.data());
    }
  }

  /**
   * As many streams as a caller may have, then one more: 429 {@code too_many_streams} with the engine's
   * {@code Retry-After}; then one hangs up, and a new one is streamed within a few polls of the engine.
   */
  private void assertCapRelayedAndHangUpFreesAStream(Function<String, WatchedEvents> open) {
    var events = batch + "/events";
    var first = open.apply(events);
    try (var second = open.apply(events)) {
      for (var watching : java.util.List.of(first, second)) {
        assertEquals(200, watching.status);
        assertTrue(watching.header("Content-Type").startsWith("text/event-stream"), watching.header("Content-Type"));
        assertEquals("batch", watching.next().name());
      }
      try (var overTheCap = open.apply(events)) {
        assertEquals(429, overTheCap.status);
        assertEquals("10", overTheCap.header("Retry-After"));
        assertTrue(overTheCap.header("Content-Type").startsWith("application/problem+json"),
            overTheCap.header("Content-Type"));
        assertEquals("too_many_streams", overTheCap.problem().getString("code"));
      }
      first.close();
      // the hang-up reaches the engine in milliseconds, but three services share this machine's two cores
      var deadline = System.currentTimeMillis() + 30_000;
      var again = open.apply(events);
      while (again.status == 429 && System.currentTimeMillis() < deadline) {
        again.close();
        GroupTemplate.sleep(100);
        again = open.apply(events);
      }
      try (var reopened = again) {
        assertEquals(200, reopened.status, "a caller's hang-up at the gateway frees their stream at the engine");
        assertEquals("batch", reopened.next().name());
      }
    } finally {
      first.close();
    }
  }

  private static long succeeded(WatchedEvents.Event event) {
    return event.json().getJsonObject("counts").getLong("succeeded");
  }
}
