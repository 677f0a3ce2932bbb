package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * One request without a body sent on a pooled upstream connection, and its answer relayed to the caller as
 * it arrives: a small answer of known length in one write, anything else (large, chunked, an event stream)
 * streamed with backpressure (see {@link HopHeaders#answerHead}). The route's timeout is an idle timeout, as Vert.x's
 * client had it: it fires when nothing arrived for that long while the gateway was reading, so an event stream lives
 * while it talks, however slowly its caller takes it, until the gateway stops ({@link RelayedEventStreams}).
 */
final class UpstreamExchange implements RelayedEventStreams.Stream, UpstreamListener {

  /** What the exchange tells whoever started it: the answer's head went out, or the exchange failed before. */
  interface Outcome {
    /**
     * Before anything was written to the caller, so a retry or a problem answer is still possible:
     * {@code sent}, whether the request went out at all; {@code connectionWasReused}, whether it went on a
     * kept-alive connection that broke (the upstream may have closed it meanwhile, not failed).
     */
    void failedBeforeAnswer(Throwable cause, boolean sent, boolean connectionWasReused);

    /**
     * The upstream answered with {@code status} (its head reached the caller); {@code closing}: saying it closes the
     * connection.
     */
    void answered(int status, boolean closing);
  }

  private final RelayedEventStreams eventStreams;
  private final RoutingContext caller;
  private final HttpServerResponse response;
  private final Outcome outcome;
  private final UpstreamLease lease;
  private boolean answering;
  private boolean keepAlive;
  /**
   * A small answer's pieces as the upstream connection read them, held (retained) until the caller's write is done
   * with them: copied to the heap, they were copied once more to a direct buffer on their way out.
   */
  private CompositeByteBuf body;
  /** An event stream's: where its events end, so that it can be ended at one. */
  private EventEnds events;

  UpstreamExchange(UpstreamChannels channels, RelayedEventStreams eventStreams, URI upstream,
      RoutingContext caller, long timeoutMillis, Outcome outcome) {
    this.eventStreams = eventStreams;
    this.caller = caller;
    this.response = caller.response();
    this.outcome = outcome;
    this.lease = new UpstreamLease(channels, upstream, timeoutMillis, this);
  }

  /** Waits for a connection (within the timeout too), then sends {@code request} on it. */
  void start(HttpRequest request) {
    // a caller that hangs up mid-answer must not leave the upstream streaming into a closed response
    response.closeHandler(closed -> end(false));
    lease.start(request);
  }

  @Override
  public void head(HttpResponse answer) {
    answering = true;
    keepAlive = HttpUtil.isKeepAlive(answer);
    boolean closing = !keepAlive;
    long length = HttpUtil.getContentLength(answer, -1L);
    if (HopHeaders.answerHead(answer.status().code(), answer.headers().iteratorCharSequence(),
        HopHeaders.connectionOf(answer.headers()), length, caller)) {
      // as many pieces as the answer comes in (8 KB each from the codec): past a composite's default 16 Netty merges
      // them into one new buffer, the copy this spares
      body = lease.channel().alloc().compositeBuffer(Integer.MAX_VALUE);
    } else if (RelayedEventStreams.isEventStream(answer.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      keepAlive = false;
      events = new EventEnds();
      lease.detach(eventStreams, this);
    }
    outcome.answered(answer.status().code(), closing);
  }

  @Override
  public void content(HttpContent piece) {
    var bytes = piece.content();
    if (body != null) {
      body.addComponent(true, bytes.retain());
    } else if (bytes.isReadable() && !response.closed()) {
      var relayed = Buffer.buffer(ByteBufUtil.getBytes(bytes));
      if (events != null) {
        relayed = relayed.slice(0, events.read(relayed));
      }
      response.write(relayed);
      if (events != null && events.ended()) {
        endStream();
        return;
      }
      if (response.writeQueueFull()) {
        waitForCaller();
      }
    }
    if (piece instanceof LastHttpContent) {
      var whole = body;
      body = null;
      // first: over HTTP/2 the answer's end closes the caller's stream, and its close handler would discard the
      // connection, a new one for every read
      end(keepAlive);
      if (whole != null) {
        endWith(whole);
      } else if (!response.closed()) {
        response.end();
      }
    }
  }

  /** Vert.x writes {@code whole} without taking it over (it stays ours): it is released once the write is done. */
  private void endWith(CompositeByteBuf whole) {
    if (response.closed() || response.ended()) {
      whole.release();
    } else {
      response.end(BufferInternal.buffer(whole)).onComplete(written -> whole.release());
    }
  }

  /** The caller's write queue is full: the upstream is read on once it drained ({@link UpstreamLease#pause}). */
  private void waitForCaller() {
    lease.pause();
    response.drainHandler(drained -> lease.resume());
  }

  @Override
  public void endAtEventEnd() {
    if (events.endAtNext()) {
      endStream();
    }
  }

  /** Ends the caller's event stream, its upstream connection closed, as if the upstream had ended it. */
  private void endStream() {
    end(false);
    if (!response.closed()) {
      response.end();
    }
  }

  /** The connection broke or closed: before the answer, a failure to report; during it, the caller's answer is cut. */
  @Override
  public void fail(Throwable cause, boolean connectionWasReused) {
    if (!end(false)) {
      return;
    }
    if (answering) {
      response.reset();
    } else {
      outcome.failedBeforeAnswer(cause, lease.sent(), connectionWasReused);
    }
  }

  /** Once (false after the first): the connection is given back or closed ({@link UpstreamLease#end}). */
  private boolean end(boolean reusable) {
    if (!lease.end(reusable)) {
      return false;
    }
    if (body != null) {
      // an answer cut short: nobody will write it
      body.release();
      body = null;
    }
    return true;
  }

  /**
   * The pipeline's last handler: hands what the codec decoded to the connection's current exchange, the router's or a
   * read's served below it ({@link FastExchange}).
   */
  static final class Handler extends ChannelInboundHandlerAdapter {

    /**
     * Between an interim answer's head (1xx: 100 Continue, 103 Early Hints) and its end: skipped, not relayed. The
     * caller gets one answer, the final one (Vert.x's client drops interim answers on the body path too).
     */
    private boolean interim;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        var lease = ctx.channel().attr(UpstreamLease.CURRENT).get();
        if (lease == null) {
          // an answer nobody asked for: the connection is out of step, never reuse it
          ctx.close();
          return;
        }
        if (message instanceof HttpObject part && part.decoderResult().isFailure()) {
          // not HTTP, or not the HTTP we can relay (a malformed length, an oversized head): never half of it
          closeFailing(ctx, part.decoderResult().cause(), false);
          return;
        }
        lease.heard();
        var exchange = lease.listener();
        if (message instanceof HttpResponse answer && answer.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
          interim = true;
        } else if (message instanceof HttpResponse answer) {
          exchange.head(answer);
        }
        if (message instanceof HttpContent piece && interim) {
          interim = !(piece instanceof LastHttpContent);
        } else if (message instanceof HttpContent piece) {
          exchange.content(piece);
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      var lease = ctx.channel().attr(UpstreamLease.CURRENT).get();
      if (lease != null) {
        lease.listener().fail(new HttpClosedException("the upstream closed the connection"), lease.reused());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      closeFailing(ctx, cause, true);
    }

    /**
     * Closes the connection, then fails the exchange it still carries: the close fails a write in flight first, whose
     * failure may end the exchange on it already (and a read below the router be sent again, on another connection,
     * which this failure is not about). {@code wasReused}: whether a reused connection may tell the upstream closed it.
     */
    private static void closeFailing(ChannelHandlerContext ctx, Throwable cause, boolean wasReused) {
      ctx.close();
      var lease = ctx.channel().attr(UpstreamLease.CURRENT).get();
      if (lease != null) {
        lease.listener().fail(cause, wasReused && lease.reused());
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && ctx.channel().attr(UpstreamLease.CURRENT).get() == null) {
        ctx.close();
      }
    }
  }
}
