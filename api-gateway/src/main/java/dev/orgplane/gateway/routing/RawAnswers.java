package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Ahead of an upstream connection's codec: a plain answer ({@link AnswerHead}) to an exchange that relays bytes
 * ({@link Listener}, a read served below the router) goes to it as it came, its head rewritten in place, its body as
 * the connection read it; every other answer goes on to the codec, decoded. Decoding an answer and encoding it again
 * for the caller was a third of the Netty codecs' part of a read, and the header objects a third of what it allocated.
 * Requests sent as bytes ({@link #send}) pass the codec too, so its encoder queues no method for an answer its decoder
 * never sees: the next HEAD's answer would have been read with a GET's body.
 */
final class RawAnswers extends ChannelInboundHandlerAdapter {

  /** The handler's name in an upstream connection's pipeline. */
  static final String NAME = "orgplane-raw-answers";

  /** An exchange that may relay a plain answer's bytes rather than its decoded parts. */
  interface Listener extends UpstreamListener {
    /** Whether it takes its answer as bytes if plain: false, its answer is decoded, unread here. */
    boolean takesBytes();

    /**
     * The answer's {@code head}, its bytes at {@code source}'s reader index: whether it is relayed as bytes (its body
     * then comes to {@link #body}); if not, nothing was written, and the answer is decoded.
     */
    boolean relayed(AnswerHead head, ByteBuf source);

    /** A piece of the body relayed as bytes (retained if kept), {@code last} ending it. */
    void body(ByteBuf piece, boolean last);
  }

  /** A head that came in pieces, gathered until its end; null between answers and once a head is read. */
  private ByteBuf gathered;
  /** The exchange whose answer's body is being relayed, and how much of the body is still to come. */
  private Listener relaying;
  private int remaining;
  /** The exchange whose answer the codec decodes. */
  private UpstreamListener decoded;

  /** Writes a request's head made as bytes past the connection's codec. */
  static ChannelFuture send(Channel channel, ByteBuf request) {
    return channel.pipeline().context(NAME).writeAndFlush(request);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    var lease = ctx.channel().attr(UpstreamLease.CURRENT).get();
    var current = lease == null ? null : lease.listener();
    if (relaying != null && current != relaying) {
      // the exchange ended mid-body (timed out, its caller gone): its connection is closing, this is the body's rest
      relaying = null;
      ((ByteBuf) message).release();
      return;
    }
    if (relaying == null && (!(current instanceof Listener listener && listener.takesBytes()) || current == decoded)) {
      decoded = current;
      ctx.fireChannelRead(message);
      return;
    }
    lease.heard();
    var bytes = (ByteBuf) message;
    if (relaying == null) {
      bytes = head(ctx, (Listener) current, bytes);
      if (bytes == null) {
        return;
      }
    }
    try {
      body(ctx, bytes);
    } finally {
      bytes.release();
    }
  }

  /**
   * Reads an answer's head: the bytes its body starts at, once it was relayed; null when it is still to come
   * (gathered), or goes to the codec.
   */
  private ByteBuf head(ChannelHandlerContext ctx, Listener listener, ByteBuf bytes) {
    if (gathered != null) {
      gathered.writeBytes(bytes);
      bytes.release();
      bytes = gathered;
    }
    var head = AnswerHead.read(bytes);
    if (head == AnswerHead.INCOMPLETE) {
      if (gathered == null) {
        gathered = ctx.alloc().buffer(bytes.readableBytes() * 2).writeBytes(bytes);
        bytes.release();
      }
      return null;
    }
    gathered = null;
    if (head == AnswerHead.NOT_PLAIN || !listener.relayed(head, bytes)) {
      decoded = listener;
      ctx.fireChannelRead(bytes);
      return null;
    }
    bytes.skipBytes(head.size());
    relaying = listener;
    remaining = head.length();
    return bytes;
  }

  private void body(ChannelHandlerContext ctx, ByteBuf bytes) {
    int length = Math.min(remaining, bytes.readableBytes());
    remaining -= length;
    var piece = bytes.slice(bytes.readerIndex(), length);
    bytes.skipBytes(length);
    if (remaining > 0) {
      relaying.body(piece, false);
      return;
    }
    var listener = relaying;
    relaying = null;
    listener.body(piece, true);
    if (bytes.isReadable()) {
      // more than the answer: the upstream is out of step with its requests
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    forget();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    forget();
  }

  private void forget() {
    if (gathered != null) {
      gathered.release();
      gathered = null;
    }
    relaying = null;
    decoded = null;
  }
}
