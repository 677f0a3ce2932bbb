package dev.orgplane.kit.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the server cannot read as HTTP (a request line or headers over its limits, a malformed head, a
 * Content-Length that is no number) get a problem document with a stable code, like any other bad input, instead
 * of Vert.x's bare status. The connection is closed after it: what follows on it cannot be told apart from the
 * broken request. The answer says so ({@code Connection: close}, RFC 9112, 9.6): without it, the gateway put the
 * connection back in its pool, and the next request it sent there met the close, 502 and its upstream quarantined.
 * Until session 41 an HTTP/1.0 caller that asked to keep the connection alive was told keep-alive instead.
 */
final class MalformedRequests implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    var cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.of(414, "request_line_too_long", "The request line is longer than the server reads.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.of(431, "headers_too_large", "The request's headers are larger than the server reads.");
    } else {
      problem = Problem.of(400, "malformed_request", "The request is not well-formed HTTP/1.1.");
    }
    var response = request.response();
    // said as the head goes out: to an HTTP/1.0 caller asking keep-alive, Vert.x writes keep-alive over one set before
    response.headersEndHandler(head -> response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    problem.writeTo(response).onComplete(written -> request.connection().close());
  }
}
