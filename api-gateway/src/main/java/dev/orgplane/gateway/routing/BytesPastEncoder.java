package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
 * that asks for gzip answered unencoded, or one that does not answered gzip). It passes a whole answer without a body
 * as it is; only an answer it would not have encoded is relayed so ({@link FastExchange#relayed}), and its body
 * follows straight past the encoder.
 */
final class BytesPastEncoder extends ChannelOutboundHandlerAdapter {

  /** The handler's name in a caller's connection's pipeline. */
  static final String NAME = "orgplane-bytes-past-encoder";

  /**
   * An answer's head as bytes, in the shape of a whole answer with no fields and no body for the handlers after the
   * encoder; its references are its bytes'.
   */
  static final class Head extends DefaultFullHttpResponse {
    private final ByteBuf bytes;

    Head(int status, ByteBuf bytes) {
      super(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER,
          EmptyHttpHeaders.INSTANCE, EmptyHttpHeaders.INSTANCE);
      this.bytes = bytes;
    }

    @Override
    public int refCnt() {
      return bytes.refCnt();
    }

    @Override
    public Head retain() {
      bytes.retain();
      return this;
    }

    @Override
    public Head retain(int increment) {
      bytes.retain(increment);
      return this;
    }

    @Override
    public Head touch() {
      bytes.touch();
      return this;
    }

    @Override
    public Head touch(Object hint) {
      bytes.touch(hint);
      return this;
    }

    @Override
    public boolean release() {
      return bytes.release();
    }

    @Override
    public boolean release(int decrement) {
      return bytes.release(decrement);
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
      encoder.write(head.bytes, promise);
    } else {
      ctx.write(message, promise);
    }
  }
}
