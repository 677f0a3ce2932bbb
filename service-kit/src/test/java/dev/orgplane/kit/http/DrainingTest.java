package dev.orgplane.kit.http;

import dev.orgplane.kit.testing.ClientCalls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stopping server's notice: what its HTTP/1.1 and HTTP/2 callers see before and while it runs, and after it. */
class DrainingTest {

  private Vertx vertx;
  private Draining draining;
  private HttpServer server;
  private int port;
  /** Completes as {@code /slow} is asked for, half a second before its answer. */
  private final Promise<Void> slowAsked = Promise.promise();

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  /**
   * Our server no longer listens on {@code port}: a connection is refused, or it is one the kernel made to itself (a
   * connect to a free port of the ephemeral range may pick that very port as its own end and meet itself), or the
   * freed port was taken by another process of a busy machine, which does not answer {@code /hello} as ours did.
   */
  private static void assertNotListening(int port) throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      if (socket.getLocalPort() == port) {
        return;
      }
      socket.setSoTimeout(1_000);
      var answer = new ByteArrayOutputStream();
      try {
        socket.getOutputStream().write(
            "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getInputStream().transferTo(answer);
      } catch (SocketTimeoutException | SocketException silent) {
        // whatever holds the port now said nothing, or hung up, even before the request was written (a connection
        // the kernel accepted into the closing server's backlog is reset with it): not our server
      }
      assertFalse(answer.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\nhello"),
          "the port is closed after the drain, yet our server answered on it");
    } catch (ConnectException refused) {
      // what a closed port answers
    }
  }

  /** A server that gives {@code noticeMillis} of notice when it is drained. */
  private void start(long noticeMillis) {
    draining = new Draining(vertx, settings(String.valueOf(noticeMillis)));
    var router = ServiceHttp.router(vertx, "drained", 1024, draining.readiness(Future::succeededFuture));
    router.get("/hello").handler(ctx -> ctx.response().end("hello"));
    router.get("/slow").handler(ctx -> {
      slowAsked.tryComplete();
      vertx.setTimer(500, id -> ctx.response().end("slow"));
    });
    server = ServiceHttp.listen(vertx, draining.around(router), "127.0.0.1", 0).await();
    port = server.actualPort();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void beforeTheNoticeAConnectionCarriesRequestAfterRequest() throws IOException {
    start(1_000);
    try (var connection = new RawConnection(port)) {
      for (int i = 0; i < 2; i++) {
        var answer = connection.get("/hello");
        assertEquals(200, answer.status());
        assertNull(answer.headers().get("connection"));
      }
      assertEquals(200, connection.get("/health/ready").status());
    }
  }

  @Test
  void duringTheNoticeEachAnswerClosesItsConnectionReadinessFailsAndNewConnectionsAreServed() throws IOException {
    start(1_500);
    try (var keptAlive = new RawConnection(port)) {
      assertEquals(200, keptAlive.get("/hello").status());

      var drained = draining.drain(server);

      var answer = keptAlive.get("/hello");
      assertEquals(200, answer.status());
      assertEquals("hello", answer.body());
      assertEquals("close", answer.headers().get("connection"));
      assertTrue(keptAlive.closedByServer(), "the server closes the connection after the answer that said so");
      try (var fresh = new RawConnection(port)) {
        var ready = fresh.get("/health/ready");
        assertEquals(503, ready.status());
        assertEquals("not_ready", new JsonObject(ready.body()).getString("code"));
        assertTrue(ready.headers().containsKey("x-request-id"), "answered by the router, logged and counted");
      }
      assertFalse(drained.isComplete(), "the notice runs for its time");

      drained.await();
      assertNotListening(port);
    }
  }

  @Test
  void aRequestInFlightWhenTheNoticeEndsIsAnsweredWithinTheGrace() throws IOException {
    start(100);
    try (var connection = new RawConnection(port)) {
      connection.send("/slow");
      // in flight once the server has it: sent alone, it could come after the 100 ms notice, to a closed server
      slowAsked.future().timeout(10, TimeUnit.SECONDS).await();
      var drained = draining.drain(server);

      var answer = connection.read();
      assertEquals("slow", answer.body());
      drained.await();
    }
  }

  @Test
  void http2AnswersDuringTheNoticeNameNoConnectionHeader() {
    // a notice long enough for a busy machine to connect and set up HTTP/2 inside it; nothing waits for its end
    start(10_000);
    var client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    draining.drain(server);

    var answer = client.request(HttpMethod.GET, port, "127.0.0.1", "/hello")
        .compose(ClientCalls::send)
        .map(read -> {
          assertEquals(HttpVersion.HTTP_2, read.response().version());
          assertNull(read.response().getHeader("connection"));
          return read.body().toString();
        }).await();
    assertEquals("hello", answer);
  }

  /** Read when the service starts: one it cannot use stops the start, not the stop. */
  @Test
  void aNoticeThatCannotBeUsedFailsTheStart() {
    for (var notice : List.of("-1", "soon")) {
      var failure = assertThrows(ConfigException.class, () -> new Draining(vertx, settings(notice)));
      assertTrue(failure.getMessage().startsWith(Draining.NOTICE), failure.getMessage());
    }
  }

  private static Settings settings(String noticeMillis) {
    return new Settings(new JsonObject().put(Draining.NOTICE, noticeMillis).put(Draining.GRACE, "5"));
  }

  /** One HTTP/1.1 connection, spoken by hand so that what the server does to it shows. */
  private static final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    RawConnection(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(5_000);
      in = socket.getInputStream();
    }

    Answer get(String path) throws IOException {
      send(path);
      return read();
    }

    void send(String path) throws IOException {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: drained\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
    }

    Answer read() throws IOException {
      var status = Integer.parseInt(line().split(" ")[1]);
      var headers = new TreeMap<String, String>();
      for (var line = line(); !line.isEmpty(); line = line()) {
        var colon = line.indexOf(':');
        headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      var body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    boolean closedByServer() throws IOException {
      return in.read() == -1;
    }

    private String line() throws IOException {
      var line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new IOException("the connection closed mid-answer");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private record Answer(int status, Map<String, String> headers, String body) {
  }
}
