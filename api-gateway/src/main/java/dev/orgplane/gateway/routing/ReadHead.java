package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The head of a read served below the router ({@link FastExchange}) as its upstream gets it, written as bytes: what
 * the router's path sends (its request line, the upstream as Host, the caller's fields that go on and ours, in that
 * order, {@link HopHeaders}) without a request object and a header map for the codec to encode, and past the codec
 * ({@link RawAnswers#send}). Its fields were decoded and checked already (no CR or LF), and ours are well-formed.
 */
final class ReadHead {

  private static final byte[] GET = "GET ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VERSION_HOST = " HTTP/1.1\r\nHost: ".getBytes(StandardCharsets.US_ASCII);
  private static final short COLON_SPACE = (short) (':' << 8 | ' ');
  private static final short CRLF = (short) ('\r' << 8 | '\n');

  private ReadHead() {
  }

  /** {@code request}'s head for {@code authority} (the upstream), with the request id and X-Forwarded-* given. */
  static ByteBuf of(ByteBufAllocator alloc, HttpRequest request, String authority, FastReads.Admitted admitted) {
    var out = alloc.ioBuffer(512);
    out.writeBytes(GET);
    ascii(out, request.uri());
    out.writeBytes(VERSION_HOST);
    ascii(out, authority);
    out.writeShort(CRLF);
    HopHeaders.passedOn(request.headers().iteratorCharSequence(), null, (name, value) -> field(out, name, value));
    HopHeaders.added((name, value) -> field(out, name, value), admitted.requestId(), admitted.forwardedFor(),
        admitted.proto(), admitted.host());
    out.writeShort(CRLF);
    return out;
  }

  private static void field(ByteBuf out, CharSequence name, CharSequence value) {
    ascii(out, name);
    out.writeShort(COLON_SPACE);
    ascii(out, value);
    out.writeShort(CRLF);
  }

  /** As the codec writes a field: a decoded name's bytes as they are, anything but ASCII in a string as '?'. */
  private static void ascii(ByteBuf out, CharSequence text) {
    if (text instanceof AsciiString ascii) {
      ByteBufUtil.copy(ascii, out);
    } else {
      out.writeCharSequence(text, StandardCharsets.US_ASCII);
    }
  }
}
