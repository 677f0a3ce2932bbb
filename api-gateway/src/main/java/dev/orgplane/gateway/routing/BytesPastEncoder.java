package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Just after Vert.x's encoder in a caller's connection: writes the head of an answer relayed as bytes
 * ({@link RawAnswers}) past it. The head goes through the handlers after the encoder first, as an answer
 * ({@link Head}): Vert.x's compressor pairs each answer with its request's Accept-Encoding, which it took as the
 * request passed on its way in, and an answer it never saw left the next one paired with the wrong request (a caller
 * that asks for gzip answered unencoded, or one that does not answered gzip). Only an answer the compressor would not
 * encode is sent so ({@link FastReads#bytesWriter}); its body follows straight past the encoder.
 */
final class BytesPastEncoder extends ChannelOutboundHandlerAdapter {

  /** The handler's name in a caller's connection's pipeline. */
  static final String NAME = "orgplane-bytes-past-encoder";

  /** An answer's head as bytes, in the shape of a whole answer with no fields, for the handlers after the encoder. */
  static final class Head extends DefaultFullHttpResponse {
    Head(int status, ByteBuf bytes) {
      super(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), bytes, EmptyHttpHeaders.INSTANCE,
          EmptyHttpHeaders.INSTANCE);
    }
  }

  private final ChannelHandlerContext encoder;

  /** Just after {@code encoder}, Vert.x's. */
  BytesPastEncoder(ChannelHandlerContext encoder) {
    this.encoder = encoder;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
    if (message instanceof Head head) {
      encoder.write(head.content(), promise);
    } else {
      ctx.write(message, promise);
    }
  }
}
