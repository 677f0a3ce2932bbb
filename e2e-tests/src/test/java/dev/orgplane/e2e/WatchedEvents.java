package dev.orgplane.e2e;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's or batch's progress as a client watches it through the gateway: the answer's head, then event by event as
 * the events arrive. Closing it hangs up mid-stream, as a closed browser tab does.
 */
final class WatchedEvents implements AutoCloseable {

  /** One event: {@code event:} and {@code data:}. */
  record Event(String name, String data) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final int status;
  private final Map<String, String> headers;
  private final InputStream body;
  private final AutoCloseable connection;

  private WatchedEvents(int status, Map<String, String> headers, InputStream body, AutoCloseable connection) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.connection = connection;
  }

  /**
   * Over HTTP/1.1 as curl and a browser's {@code EventSource} ask: a GET without a body (the JDK's client sends
   * {@code Content-Length: 0}), so on the gateway's own upstream connections, each stream a connection of its own.
   */
  static WatchedEvents overHttp1(String baseUrl, String path, String token, Map<String, String> extraHeaders) {
    var uri = URI.create(baseUrl);
    var head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + uri.getAuthority()
        + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token + "\r\n");
    extraHeaders.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    try {
      var socket = new Socket(uri.getHost(), uri.getPort());
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      var in = new BufferedInputStream(socket.getInputStream());
      int status = Integer.parseInt(line(in).split(" ")[1]);
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (var line = line(in); !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
      InputStream body = "chunked".equalsIgnoreCase(headers.get("Transfer-Encoding")) ? new Dechunked(in)
          : new ByteArrayInputStream(in.readNBytes(Integer.parseInt(headers.getOrDefault("Content-Length", "0"))));
      return new WatchedEvents(status, headers, body, socket);
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    }
  }

  /** Over {@code client}'s connection (HTTP/2 when it was built for it), shared with its other requests. */
  static WatchedEvents over(HttpClient client, String baseUrl, String path, String token) {
    var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
    try {
      var response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      response.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
      return new WatchedEvents(response.statusCode(), headers, response.body(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The answer's header {@code name}, null without one. */
  String header(String name) {
    return headers.get(name);
  }

  /** The rest of the answer as JSON: a refusal's problem. */
  JsonObject problem() {
    try {
      return new JsonObject(new String(body.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next event, comments skipped; null once the stream has ended. */
  Event next() {
    String name = null;
    var data = new StringBuilder();
    try {
      for (var line = line(body); line != null; line = line(body)) {
        if (line.isEmpty() && name != null) {
          return new Event(name, data.toString());
        } else if (line.startsWith("event: ")) {
          name = line.substring("event: ".length());
        } else if (line.startsWith("data: ")) {
          data.append(line.substring("data: ".length()));
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("the stream broke", e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A line without its end ({@code \n} or {@code \r\n}); null at the end of the stream. */
  private static String line(InputStream in) throws IOException {
    var line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      line.write(b);
    }
    var text = line.toString(StandardCharsets.UTF_8);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** An HTTP/1.1 chunked body's data, read as it arrives, up to its last (empty) chunk. */
  private static final class Dechunked extends InputStream {

    private final InputStream chunked;
    private long left;
    private boolean first = true;
    private boolean ended;

    Dechunked(InputStream chunked) {
      this.chunked = chunked;
    }

    @Override
    public int read() throws IOException {
      if (ended) {
        return -1;
      }
      if (left == 0) {
        if (!first) {
          line(chunked);
        }
        first = false;
        var size = line(chunked);
        left = size == null ? 0 : Long.parseLong(size.split(";")[0].trim(), 16);
        if (left == 0) {
          ended = true;
          return -1;
        }
      }
      left--;
      return chunked.read();
    }
  }
}
