package dev.orgplane.gateway.routing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which upstream answers are relayed as bytes, and the head the caller gets from one. */
class AnswerHeadTest {

  private static final String PLAIN = "HTTP/1.1 200 Fine by me\r\nContent-Type: application/json\r\n"
      + "Keep-Alive: timeout=5\r\nX-Request-Id: theirs\r\nContent-Length:  12 \r\nX-Kept:  as it was \r\n\r\n";

  @Test
  void aPlainAnswersHeadGoesOnWithoutItsHopByHopFieldsAndWithOurs() {
    var source = bytes(PLAIN + "{\"a\":\"body\"}");
    var head = AnswerHead.read(source);
    assertEquals(200, head.status());
    assertEquals(12, head.length());
    assertEquals(PLAIN.length(), head.size(), "the body starts after it");
    assertEquals(0, source.readerIndex(), "read in place");
    assertTrue(head.keepAlive());
    assertFalse(head.varies());
    assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Kept:  as it was \r\n"
        + "X-Request-Id: ours\r\nContent-Length: 12\r\n\r\n", relayed(head, source, false));
    assertEquals("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Kept:  as it was \r\nVary: Origin\r\n"
        + "X-Request-Id: ours\r\nContent-Length: 12\r\n\r\n", relayed(head, source, true));
  }

  @Test
  void anUpstreamClosingItsConnectionIsHeardAndItsOwnVaryNoted() {
    var head = AnswerHead.read(
        bytes("HTTP/1.1 203 x\r\nconnection: Close\r\nVary: Accept\r\nContent-Length: 0\r\n\r\n"));
    assertFalse(head.keepAlive());
    assertTrue(head.varies());
    assertEquals(203, head.status());
    var kept = AnswerHead.read(bytes("HTTP/1.1 200\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"));
    assertTrue(kept.keepAlive());
    assertEquals("HTTP/1.1 200 OK\r\nX-Request-Id: ours\r\nContent-Length: 0\r\n\r\n",
        relayed(kept, bytes("HTTP/1.1 200\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"), false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 20", "HTTP/1.1 200 OK\r\nContent-Le", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r"})
  void aHeadIsIncompleteUntilItsEmptyLine(String head) {
    assertSame(AnswerHead.INCOMPLETE, AnswerHead.read(bytes(head)));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 204 No Content\r\n\r\n",
      "HTTP/1.1 100 Continue\r\n\r\n",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
      "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 262145\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Type: text/event-stream\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: X-Hop\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close, X-Hop\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Folded: a\r\n b\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\nX-Bare: lf\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Bare: c\rr\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX-Nul: a\u0000b\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 0\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 0\r\n\r\n"})
  void anyOtherAnswerIsDecoded(String head) {
    assertSame(AnswerHead.NOT_PLAIN, AnswerHead.read(bytes(head)));
  }

  @Test
  void aHeadPastItsLimitIsDecodedWhetherItsEndHasComeOrNot() {
    var longLine = "HTTP/1.1 200 OK\r\nX-Long: " + "a".repeat(AnswerHead.MAX_BYTES);
    assertSame(AnswerHead.NOT_PLAIN, AnswerHead.read(bytes(longLine)));
    assertSame(AnswerHead.NOT_PLAIN, AnswerHead.read(bytes(longLine + "\r\nContent-Length: 0\r\n\r\n")));
  }

  private static String relayed(AnswerHead head, ByteBuf source, boolean varyOnOrigin) {
    var relayed = head.relayed(source, UnpooledByteBufAllocator.DEFAULT, "ours", varyOnOrigin);
    try {
      return relayed.toString(US_ASCII);
    } finally {
      relayed.release();
    }
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, US_ASCII);
  }
}
