package dev.orgplane.kit.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * HTTP/2 answers shorter than {@link ServiceHttp#COMPRESSED_FROM_BYTES} go uncompressed, as HTTP/1 answers do: Vert.x
 * 5.0 weighs only HTTP/1 answers against the server's threshold, and compressed every HTTP/2 answer to a client that
 * takes gzip, however short (a tenth of the gateway's CPU in a benchmark of HTTP/2 reads that asked for gzip). Its
 * HTTP/2 compressor leaves an answer that says {@code Content-Encoding: identity} as it is, and drops the field.
 */
final class ShortHttp2Answers implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.request().version() == HttpVersion.HTTP_2) {
      // by then an answer written whole has its length
      ctx.addHeadersEndHandler(v -> markShort(ctx.response().headers()));
    }
    ctx.next();
  }

  private static void markShort(MultiMap headers) {
    var length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null && !headers.contains(HttpHeaderNames.CONTENT_ENCODING) && isShort(length)) {
      headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.IDENTITY);
    }
  }

  private static boolean isShort(String length) {
    if (length.isEmpty() || length.length() > 4) {
      return false;
    }
    int value = 0;
    for (int i = 0; i < length.length(); i++) {
      char c = length.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + c - '0';
    }
    return value < ServiceHttp.COMPRESSED_FROM_BYTES;
  }
}
