package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Callers that take an answer slowly, through gateways whose routes time out after a few seconds of their upstream's
 * silence, and whose door closes a connection on which nothing went either way for a while. While the caller's write
 * queue is full the gateway stops reading its upstream, which is then silent because of the gateway: the route's
 * timeout counted that silence too, and reset a slow caller's stream as if its upstream had fallen silent.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowCallersTest {

  /** Past what the kernel buffers between the gateway and its caller (4 MiB at most for the gateway's send buffer). */
  private static final int ANSWER_BYTES = 8 * 1024 * 1024;
  private static final int STOP_AFTER_BYTES = 1024 * 1024;
  /**
   * The steady route's timeout: long enough that its upstream, in this JVM, is never silent so long on a busy machine
   * while its caller reads (at 500 ms one was, now and then, and the answer was cut off rightly).
   */
  private static final long STEADY_TIMEOUT_MILLIS = 3000;
  /**
   * Longer than the steady route's timeout: a timeout that counted the pause fires within it, however late the
   * caller wakes (a busy machine only makes the pause longer).
   */
  private static final long STOP_MILLIS = 4500;
  /**
   * The steady gateway's idle timeout: far past the pause, so that a busy machine's delays in the caller (waking,
   * then taking the kernel's buffers until the gateway's next write completes) never add up to it. At 5 s, 2 s past
   * a 3 s pause, the door's idle close was a margin a loaded machine could miss.
   */
  private static final int STEADY_IDLE_SECONDS = 30;
  /** Completed when the endless upstream's connection of the test under way closes. */
  private volatile Promise<Void> endlessClosed;
  private Vertx vertx;
  /** The gateway of the slow callers, and the one of the callers that take nothing, closed after 5 idle seconds. */
  private int steadyPort;
  private int endlessPort;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    steadyPort = gateway(route("/v1/auth/steady/", steady(), STEADY_TIMEOUT_MILLIS), STEADY_IDLE_SECONDS);
    endlessPort = gateway(route("/v1/auth/endless/", endless(), 500), 5);
  }

  /** A gateway with this one route, closing a connection idle for {@code idleSeconds}: its port. */
  private int gateway(JsonObject route, int idleSeconds) {
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:9").put("ORGPLANE_PUBLIC_URL", "http://gateway.test")
        .put("ORGPLANE_ROUTES", new JsonArray().add(route).encode())
        .put("ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS", Integer.toString(idleSeconds)));
    vertx.deployVerticle(gateway).await();
    return gateway.port();
  }

  private static JsonObject route(String prefix, HttpServer upstream, long timeoutMillis) {
    return new JsonObject().put("prefix", prefix).put("upstreams", new JsonArray().add(url(upstream)))
        .put("timeoutMs", timeoutMillis);
  }

  /** Streams {@value #ANSWER_BYTES} bytes of events (or of the content type asked for) as fast as it may, then ends. */
  private HttpServer steady() {
    return vertx.createHttpServer().requestHandler(req -> {
      var type = req.getParam("type", "text/event-stream");
      EventFlood.writeOn(vertx, req.response().setChunked(true).putHeader("Content-Type", type), ANSWER_BYTES);
    }).listen(0, "127.0.0.1").await();
  }

  /** Streams events for as long as its caller takes them, and tells when its connection closes. */
  private HttpServer endless() {
    return vertx.createHttpServer().requestHandler(req -> {
      var closing = endlessClosed;
      req.connection().closeHandler(closed -> closing.tryComplete());
      EventFlood.writeOn(vertx, req.response().setChunked(true).putHeader("Content-Type", "text/event-stream"),
          Long.MAX_VALUE);
    }).listen(0, "127.0.0.1").await();
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * A caller that stops taking the answer for {@value #STOP_MILLIS} ms (longer than the route's timeout, shorter than
   * the idle timeout: a congested link, a phone between two cells) gets the whole answer, on either path: without a
   * body (the gateway's own connections) and with one (Vert.x's client); an event stream and a large download alike.
   * The gateway stops reading its upstream once the kernel's buffers and its write queue are full, and its upstream
   * fell silent for the route's timeout from then on: the caller's answer was cut off. The caller keeps only the
   * answer's length and its last bytes ({@link ChunkedAnswerRead}).
   */
  @ParameterizedTest
  @CsvSource({"GET, text/event-stream", "POST, text/event-stream", "GET, application/octet-stream",
      "POST, application/octet-stream"})
  void aCallerThatStopsReadingAWhileGetsTheWholeAnswer(String method, String type) throws IOException {
    try (var socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", steadyPort));
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request(method, "/v1/auth/steady/x?type=" + type));
      var read = new ChunkedAnswerRead();
      var buffer = new byte[16 * 1024];
      boolean stopped = false;
      try {
        for (int chunk; !read.endsWhole() && (chunk = socket.getInputStream().read(buffer)) > 0; ) {
          read.took(buffer, chunk);
          if (!stopped && read.bytes() > STOP_AFTER_BYTES) {
            stopped = true;
            pause(STOP_MILLIS);
          }
        }
      } catch (IOException reset) {
        // cut off: asserted below
      }
      assertTrue(read.bytes() > ANSWER_BYTES, "all of it, got " + read.bytes() + " bytes");
      assertTrue(read.endsWhole(), "ended, not cut off");
    }
  }

  /**
   * A caller that takes nothing is not held for ever: nothing goes either way on its connection once the gateway's
   * writes to it are stuck, so the door's idle timeout closes it, and the upstream's connection with it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST"})
  void aCallerThatTakesNothingIsClosedAfterTheIdleTimeout(String method) throws IOException {
    endlessClosed = Promise.promise();
    try (var socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", endlessPort));
      socket.getOutputStream().write(request(method, "/v1/auth/endless/x"));
      var closed = endlessClosed.future().timeout(15, TimeUnit.SECONDS).transform(done -> io.vertx.core.Future
          .succeededFuture(done.succeeded())).await();
      assertTrue(closed, "the upstream's connection was closed");
    }
  }

  /**
   * A POST with a body, or a GET with none and no Content-Length either: a GET saying {@code Content-Length: 0} goes,
   * as any request that may have a body, on Vert.x's client, and the path of requests without one went untested.
   */
  private static byte[] request(String method, String target) {
    var body = method.equals("POST") ? "Content-Length: 2\r\n\r\n{}" : "\r\n";
    return (method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + body).getBytes(StandardCharsets.US_ASCII);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
