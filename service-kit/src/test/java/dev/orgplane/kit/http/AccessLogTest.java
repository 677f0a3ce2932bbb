package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AccessLogTest {

  /** As the log's other lines begin: time with milliseconds and offset, level, logger. */
  private static final Pattern PREFIX = Pattern.compile(
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  orgplane\\.access - ");

  @Test
  void everyRequestLeavesOneJsonLineWrittenOutAtClose(Vertx vertx) {
    var out = new ByteArrayOutputStream();
    var sink = new AccessLogSink(out, 3_600_000, 1 << 16);
    var router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route().handler(new AccessLog("kittest", sink));
    router.get("/whoami").handler(ctx -> {
      ctx.put(Principal.CONTEXT_KEY, new Principal("usér-42", "test", null, 0, new JsonObject()));
      ctx.response().end();
    });
    int port = ServiceHttp.listen(vertx, router, "127.0.0.1", 0).await().actualPort();
    var client = WebClient.create(vertx);
    assertEquals(404, client.get(port, "127.0.0.1", "/teapot\"\\").putHeader("X-Request-Id", "trace-log-1")
        .send().await().statusCode());
    client.get(port, "127.0.0.1", "/whoami").putHeader("X-Request-Id", "trace-log-2").send().await();
    assertEquals(0, out.size(), "nothing is written before the flush period or the close");

    sink.close();
    var lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    for (var line : lines) {
      assertTrue(PREFIX.matcher(line).lookingAt(), line);
    }
    var notFound = json(lines.get(0));
    assertEquals("kittest", notFound.getString("service"));
    assertEquals("trace-log-1", notFound.getString("requestId"));
    assertEquals("GET", notFound.getString("method"));
    assertEquals("/teapot\"\\", notFound.getString("path"), "quotes and backslashes escaped");
    assertEquals(404, notFound.getInteger("status"));
    assertTrue(notFound.getDouble("ms") >= 0);
    assertTrue(notFound.containsKey("principal") && notFound.getValue("principal") == null);
    assertEquals("usér-42", json(lines.get(1)).getString("principal"), "whom the token spoke for, in UTF-8");
  }

  @Test
  void linesAreWrittenOutEveryFlushPeriodWithoutAClose() throws InterruptedException {
    var out = new ByteArrayOutputStream();
    try (var sink = new AccessLogSink(out, 20, 1 << 16)) {
      var line = "a line\n".getBytes(StandardCharsets.US_ASCII);
      sink.append(line, line.length);
      for (int waited = 0; out.size() == 0 && waited < 5_000; waited += 10) {
        Thread.sleep(10);
      }
      assertEquals("a line\n", out.toString(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void writesAreWholeLinesOfAtMostAPipeBufferEach() {
    var writes = new ArrayList<String>();
    var sink = new AccessLogSink(recording(writes), 3_600_000, 1 << 16);
    var line = ("x".repeat(99) + "\n").getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 100; i++) {
      sink.append(line, line.length);
    }
    var longLine = ("y".repeat(AccessLogSink.WRITE_BYTES + 10) + "\n").getBytes(StandardCharsets.US_ASCII);
    sink.append(longLine, longLine.length);
    sink.close();
    assertEquals(10_000 + longLine.length, writes.stream().mapToInt(String::length).sum(), "everything, once");
    var lineWrites = writes.subList(0, 3);
    for (var write : lineWrites) {
      assertTrue(write.length() <= AccessLogSink.WRITE_BYTES && write.endsWith("\n") && write.length() % 100 == 0,
          "whole lines, within a pipe buffer: " + write.length());
    }
    assertEquals(List.of(AccessLogSink.WRITE_BYTES, 11), writes.subList(3, 5).stream().map(String::length).toList(),
        "only a line longer than a pipe buffer is split");
  }

  @Test
  void aFullBufferDropsLinesInsteadOfBlockingTheCaller() throws InterruptedException {
    var writing = new CountDownLatch(1);
    var release = new CountDownLatch(1);
    var written = new ByteArrayOutputStream();
    var stuck = new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException("the sink writes whole pieces");
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        written.write(bytes, offset, length);
      }
    };
    var sink = new AccessLogSink(stuck, 3_600_000, 64);
    var line = ("z".repeat(29) + "\n").getBytes(StandardCharsets.US_ASCII);
    sink.append(line, line.length);
    sink.append(line, line.length);
    assertTrue(writing.await(10, TimeUnit.SECONDS), "past half of the buffer, the writer is woken at once");
    for (int i = 0; i < 10; i++) {
      sink.append(line, line.length);
    }
    release.countDown();
    sink.close();
    assertEquals(4 * line.length, written.size(), "the first two lines, and the two that fitted while the output was stuck");
  }

  @Test
  void theFlushPeriodIsAMillisecondToADay() {
    assertEquals(200, AccessLogSink.flushMillis("200"));
    for (var refused : List.of("0", "-5", "soon", "", "86400001")) {
      var failure = assertThrows(ConfigException.class, () -> AccessLogSink.flushMillis(refused));
      assertTrue(failure.getMessage().startsWith(AccessLogSink.FLUSH_MILLIS), failure.getMessage());
    }
  }

  private static JsonObject json(String line) {
    return new JsonObject(line.substring(line.indexOf(" - ") + 3));
  }

  private static OutputStream recording(List<String> writes) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException("the sink writes whole pieces");
      }

      @Override
      public void write(byte[] bytes, int offset, int length) {
        writes.add(new String(bytes, offset, length, StandardCharsets.US_ASCII));
      }
    };
  }
}
