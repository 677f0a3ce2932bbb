package dev.orgplane.gateway.routing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an upstream connection's bytes become ahead of its codec: a plain answer to an exchange that relays bytes goes
 * to it, however the connection reads it; anything else goes on to the codec (here, {@link Decoded}) as it came.
 */
class RawAnswersTest {

  private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n";
  private static final String RELAYED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Request-Id: id\r\n"
      + "Content-Length: 11\r\n\r\n";

  private final Decoded decoded = new Decoded();
  private final EmbeddedChannel channel = new EmbeddedChannel(new RawAnswers(), decoded);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aPlainAnswerInPiecesReachesItsExchangeAsItsHeadRewrittenAndItsBody() {
    var exchange = carrying(new Relaying(true));
    read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Le", "ngth: 11\r\n\r\nhello", " world");
    assertEquals(List.of(RELAYED_HEAD), exchange.heads);
    assertEquals(List.of("hello", " world"), exchange.pieces);
    assertEquals(1, exchange.lasts, "the last piece ends it");
    assertEquals("", decoded.bytes.toString());
    assertTrue(channel.isOpen());
  }

  @Test
  void anEmptyBodyEndsWithItsHead() {
    var exchange = carrying(new Relaying(true));
    read("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertEquals(List.of(""), exchange.pieces);
    assertEquals(1, exchange.lasts);
  }

  @Test
  void anAnswerThatIsNotPlainGoesToTheCodecWholeItsGatheredHeadToo() {
    var exchange = carrying(new Relaying(true));
    var chunked = List.of("HTTP/1.1 200 OK\r\nTransfer-", "Encoding: chunked\r\n\r\n5\r\nhello\r\n", "0\r\n\r\n");
    read(chunked.toArray(String[]::new));
    assertEquals(String.join("", chunked), decoded.bytes.toString());
    assertEquals(List.of(), exchange.heads);
    assertEquals(List.of(), exchange.pieces);
  }

  @Test
  void anExchangeThatTakesNoBytesGetsEvenAPlainAnswerDecoded() {
    var declining = carrying(new Relaying(false));
    read(HEAD + "hello", " world");
    assertEquals(HEAD + "hello world", decoded.bytes.toString());
    assertEquals(List.of(), declining.pieces);
  }

  @Test
  void anExchangeDecliningAPlainHeadGetsItDecodedWhole() {
    var declining = carrying(new Relaying(true, false));
    read(HEAD + "hello", " world");
    assertEquals(HEAD + "hello world", decoded.bytes.toString());
    assertEquals(List.of(), declining.heads);
    assertEquals(List.of(), declining.pieces);
  }

  @Test
  void theRoutersExchangeGetsEvenAPlainAnswerDecoded() {
    carrying(new Routed());
    read(HEAD + "hello world");
    assertEquals(HEAD + "hello world", decoded.bytes.toString());
  }

  @Test
  void moreThanTheAnswerClosesTheConnectionOutOfStep() {
    var exchange = carrying(new Relaying(true));
    read(HEAD + "hello worldHTTP/1.1 200 OK\r\n");
    assertEquals(List.of("hello world"), exchange.pieces);
    assertFalse(channel.isOpen());
  }

  @Test
  void theRestOfABodyWhoseExchangeEndedIsDropped() {
    var exchange = carrying(new Relaying(true));
    read(HEAD + "hello");
    channel.attr(UpstreamLease.CURRENT).set(null);
    read(" world");
    assertEquals(List.of("hello"), exchange.pieces);
    assertEquals("", decoded.bytes.toString());
  }

  @Test
  void theNextExchangeOnTheConnectionReadsItsOwnAnswerWhicheverWayTheLastWasRead() {
    var first = carrying(new Relaying(false));
    read(HEAD + "hello world");
    var second = carrying(new Relaying(true));
    read(HEAD + "hello world");
    assertEquals(HEAD + "hello world", decoded.bytes.toString(), "the first's only");
    assertEquals(List.of(), first.pieces);
    assertEquals(List.of("hello world"), second.pieces);
    var third = carrying(new Relaying(true));
    read(HEAD + "dlrow olleh");
    assertEquals(List.of("dlrow olleh"), third.pieces);
  }

  /** {@code exchange}'s hold on the connection (its pool and upstream not needed here). */
  private <T extends UpstreamListener> T carrying(T exchange) {
    channel.attr(UpstreamLease.CURRENT).set(new UpstreamLease(null, null, 1000, exchange));
    return exchange;
  }

  private void read(String... pieces) {
    for (var piece : pieces) {
      channel.writeInbound(Unpooled.copiedBuffer(piece, US_ASCII));
    }
  }

  /** What reached the codec. */
  private static final class Decoded extends ChannelInboundHandlerAdapter {
    private final StringBuilder bytes = new StringBuilder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      var buf = (ByteBuf) message;
      bytes.append(buf.toString(US_ASCII));
      buf.release();
    }
  }

  /** An exchange that takes its answer decoded, as the router's. */
  private static class Routed implements UpstreamListener {

    @Override
    public void head(HttpResponse answer) {
      throw new AssertionError("the codec's to tell");
    }

    @Override
    public void content(HttpContent piece) {
      throw new AssertionError("the codec's to tell");
    }

    @Override
    public void fail(Throwable cause, boolean connectionWasReused) {
      throw new AssertionError(cause);
    }
  }

  /** A read served below the router, as far as its connection tells it. */
  private static final class Relaying extends Routed implements RawAnswers.Listener {
    private final boolean takes;
    private final boolean relays;
    private final List<String> heads = new ArrayList<>();
    private final List<String> pieces = new ArrayList<>();
    private int lasts;

    /** {@code takes}: it takes its answer as bytes if plain; {@code relays}: it relays a plain head so. */
    Relaying(boolean takes, boolean relays) {
      this.takes = takes;
      this.relays = relays;
    }

    Relaying(boolean takes) {
      this(takes, takes);
    }

    @Override
    public boolean takesBytes() {
      return takes;
    }

    @Override
    public boolean relayed(AnswerHead head, ByteBuf source) {
      if (relays) {
        var relayed = head.relayed(source, UnpooledByteBufAllocator.DEFAULT, "id", false);
        heads.add(relayed.toString(US_ASCII));
        relayed.release();
      }
      return relays;
    }

    @Override
    public void body(ByteBuf piece, boolean last) {
      pieces.add(piece.toString(US_ASCII));
      lasts += last ? 1 : 0;
    }
  }
}
