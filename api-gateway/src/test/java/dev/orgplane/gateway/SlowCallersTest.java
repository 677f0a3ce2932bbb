package dev.orgplane.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
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
 * Callers that take an answer slowly, through a gateway whose routes time out after 500 ms of their upstream's silence
 * and whose door closes a connection on which nothing went either way for five seconds. While the caller's write queue
 * is full the gateway stops reading its upstream, which is then silent because of the gateway: the route's timeout
 * counted that silence too, and reset a slow caller's stream as if its upstream had fallen silent.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowCallersTest {

  private static final Buffer EVENT = Buffer.buffer("data: " + "x".repeat(16 * 1024) + "\n\n");
  /** Past what the kernel buffers between the gateway and its caller (4 MiB at most for the gateway's send buffer). */
  private static final int ANSWER_BYTES = 8 * 1024 * 1024;
  private static final int STOP_AFTER_BYTES = 1024 * 1024;
  /**
   * The steady route's timeout: long enough that its upstream, in this JVM, is never silent so long on a busy machine
   * while its caller reads (at 500 ms one was, now and then, and the answer was cut off rightly).
   */
  private static final long STEADY_TIMEOUT_MILLIS = 2000;
  /** Longer than the steady route's timeout, shorter than the idle timeout (5 s). */
  private static final long STOP_MILLIS = 3000;
  /** Completed when the endless upstream's connection of the test under way closes. */
  private volatile Promise<Void> endlessClosed;
  private Vertx vertx;
  private int port;

  @BeforeAll
  void start(Vertx vertx) {
    this.vertx = vertx;
    var routes = new JsonArray()
        .add(new JsonObject().put("prefix", "/v1/auth/steady/").put("upstreams", new JsonArray().add(url(steady())))
            .put("timeoutMs", STEADY_TIMEOUT_MILLIS))
        .add(new JsonObject().put("prefix", "/v1/auth/endless/").put("upstreams", new JsonArray().add(url(endless())))
            .put("timeoutMs", 500));
    var gateway = new GatewayVerticle(new JsonObject()
        .put("ORGPLANE_HTTP_HOST", "127.0.0.1").put("ORGPLANE_HTTP_PORT", "0")
        .put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:9").put("ORGPLANE_PUBLIC_URL", "http://gateway.test")
        .put("ORGPLANE_ROUTES", routes.encode()).put("ORGPLANE_GATEWAY_IDLE_TIMEOUT_SECONDS", "5"));
    vertx.deployVerticle(gateway).await();
    port = gateway.port();
  }

  /** Streams {@value #ANSWER_BYTES} bytes of events (or of the content type asked for) as fast as it may, then ends. */
  private HttpServer steady() {
    return vertx.createHttpServer().requestHandler(req -> {
      var type = req.getParam("type", "text/event-stream");
      writeOn(req.response().setChunked(true).putHeader("Content-Type", type), ANSWER_BYTES);
    }).listen(0, "127.0.0.1").await();
  }

  /** Streams events for as long as its caller takes them, and tells when its connection closes. */
  private HttpServer endless() {
    return vertx.createHttpServer().requestHandler(req -> {
      var closing = endlessClosed;
      req.connection().closeHandler(closed -> closing.tryComplete());
      writeOn(req.response().setChunked(true).putHeader("Content-Type", "text/event-stream"), Long.MAX_VALUE);
    }).listen(0, "127.0.0.1").await();
  }

  /** One event at a time, each after the last one went out, so that the upstream is as fast as its connection. */
  private void writeOn(HttpServerResponse response, long left) {
    if (response.closed()) {
      return;
    }
    if (left <= 0) {
      response.end();
      return;
    }
    response.write(EVENT);
    long rest = left - EVENT.length();
    if (response.writeQueueFull()) {
      response.drainHandler(drained -> writeOn(response, rest));
    } else {
      vertx.runOnContext(next -> writeOn(response, rest));
    }
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * A caller that stops taking the answer for {@value #STOP_MILLIS} ms (longer than the route's timeout, shorter than
   * the idle timeout: a congested link, a phone between two cells) gets the whole answer, on either path: without a
   * body (the gateway's own connections) and with one (Vert.x's client); an event stream and a large download alike.
   * The gateway stops reading its upstream once the kernel's buffers and its write queue are full, and its upstream
   * fell silent for the route's timeout from then on: the caller's answer was cut off.
   */
  @ParameterizedTest
  @CsvSource({"GET, text/event-stream", "POST, text/event-stream", "GET, application/octet-stream",
      "POST, application/octet-stream"})
  void aCallerThatStopsReadingAWhileGetsTheWholeAnswer(String method, String type) throws IOException {
    try (var socket = new Socket()) {
      socket.setReceiveBufferSize(4096);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(10_000);
      var body = method.equals("POST") ? "{}" : "";
      socket.getOutputStream().write((method + " /v1/auth/steady/x?type=" + type + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      var read = new ByteArrayOutputStream();
      var buffer = new byte[16 * 1024];
      boolean stopped = false;
      try {
        for (int chunk; !endsWhole(read) && (chunk = socket.getInputStream().read(buffer)) > 0; ) {
          read.write(buffer, 0, chunk);
          if (!stopped && read.size() > STOP_AFTER_BYTES) {
            stopped = true;
            pause(STOP_MILLIS);
          }
        }
      } catch (IOException reset) {
        // cut off: asserted below
      }
      assertTrue(read.size() > ANSWER_BYTES, "all of it, got " + read.size() + " bytes");
      assertTrue(endsWhole(read), "ended, not cut off");
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
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      var body = method.equals("POST") ? "{}" : "";
      socket.getOutputStream().write((method + " /v1/auth/endless/x HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      var closed = endlessClosed.future().timeout(15, TimeUnit.SECONDS).transform(done -> io.vertx.core.Future
          .succeededFuture(done.succeeded())).await();
      assertTrue(closed, "the upstream's connection was closed");
    }
  }

  private static boolean endsWhole(ByteArrayOutputStream read) {
    return read.toString(StandardCharsets.US_ASCII).endsWith("\r\n0\r\n\r\n");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
