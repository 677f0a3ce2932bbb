package dev.orgplane.kit.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;

/**
 * A test's HTTP call whose answer is read by handlers set before the request goes out. A chain built on the test
 * thread, {@code request.send()} then {@code .compose(response -> response.body())}, sets the body's handler once
 * {@code send()} has returned: an answer that came whole meanwhile (a server in the same JVM, a busy machine pausing
 * the test thread) lost its body, empty with Vert.x 5.0.12 and waited for for ever with 5.0.10 (a test failed CI so).
 */
public final class ClientCalls {

  /** An answer and its body, read whole. */
  public record Read(HttpClientResponse response, Buffer body) {

    public int status() {
      return response.statusCode();
    }
  }

  /** An answer whose head has come, and its body, read from its first byte on as it comes: a stream held open. */
  public record Opened(HttpClientResponse response, Future<Buffer> body) {

    public int status() {
      return response.statusCode();
    }
  }

  private ClientCalls() {
  }

  /**
   * The answer to {@code request}, read whole by handlers set now, before the caller sends the request: for one
   * written in parts ({@code write}, then {@code end}).
   */
  public static Future<Read> answerOf(HttpClientRequest request) {
    return request.response().compose(response -> response.body().map(body -> new Read(response, body)));
  }

  /** Sends {@code request} without a body, and answers its answer, read whole. */
  public static Future<Read> send(HttpClientRequest request) {
    var answer = answerOf(request);
    request.end();
    return answer;
  }

  /**
   * Sends {@code request} without a body, and answers its answer once its head has come, its body read by a handler
   * set as the head came: for a stream the test looks at before it ends (its status, its connection).
   */
  public static Future<Opened> open(HttpClientRequest request) {
    var opened = request.response().map(response -> new Opened(response, response.body()));
    request.end();
    return opened;
  }

  /** Sends {@code request} with {@code body}, and answers its answer, read whole. */
  public static Future<Read> send(HttpClientRequest request, String body) {
    var answer = answerOf(request);
    request.end(body);
    return answer;
  }
}
