package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
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
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request without a body sent on a pooled upstream connection, and its answer relayed to the caller as
 * it arrives: a small answer of known length in one write, anything else (large, chunked, an event stream)
 * streamed with backpressure (see {@link HopHeaders#answerHead}). The route's timeout is an idle timeout, as Vert.x's
 * client had it: it fires when nothing arrived for that long while the gateway was reading, so an event stream lives
 * while it talks, however slowly its caller takes it, until the gateway stops ({@link RelayedEventStreams}).
 */
final class UpstreamExchange implements RelayedEventStreams.Stream {

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

  private static final AttributeKey<UpstreamExchange> CURRENT = AttributeKey.valueOf("orgplane.exchange");
  /** Set on a connection once it has carried a request: a reused one may have been closed by the upstream meanwhile. */
  private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("orgplane.used");

  private final UpstreamChannels channels;
  private final RelayedEventStreams eventStreams;
  private final URI upstream;
  private final RoutingContext caller;
  private final HttpServerResponse response;
  private final long timeoutNanos;
  private final Outcome outcome;
  private Future<Channel> acquisition;
  private Channel channel;
  private boolean reused;
  private boolean answering;
  /** Between an interim answer's head (1xx: 100 Continue, 103 Early Hints) and its end: skipped, not relayed. */
  private boolean interim;
  private boolean ended;
  private boolean keepAlive;
  /**
   * A small answer's pieces as the upstream connection read them, held (retained) until the caller's write is done
   * with them: copied to the heap, they were copied once more to a direct buffer on their way out.
   */
  private CompositeByteBuf body;
  /** An event stream's: where its events end, so that it can be ended at one. */
  private EventEnds events;
  private long lastActivity;
  private ScheduledFuture<?> timer;
  /** The upstream is not read while the caller's write queue is full: its silence is not counted meanwhile. */
  private boolean waitingForCaller;

  UpstreamExchange(UpstreamChannels channels, RelayedEventStreams eventStreams, URI upstream,
      RoutingContext caller, long timeoutMillis, Outcome outcome) {
    this.channels = channels;
    this.eventStreams = eventStreams;
    this.upstream = upstream;
    this.caller = caller;
    this.response = caller.response();
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.outcome = outcome;
  }

  /** Waits for a connection (within the timeout too), then sends {@code request} on it. */
  void start(HttpRequest request) {
    lastActivity = System.nanoTime();
    timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos, TimeUnit.NANOSECONDS);
    // a caller that hangs up mid-answer must not leave the upstream streaming into a closed response
    response.closeHandler(closed -> end(false));
    acquisition = channels.acquire(upstream);
    acquisition.onComplete(acquired -> {
      if (acquired.failed()) {
        fail(acquired.cause(), false);
        return;
      }
      if (ended) {
        // timed out or abandoned while waiting for the connection: it goes back untouched
        channels.release(upstream, acquired.result());
        return;
      }
      send(acquired.result(), request);
    });
  }

  private void send(Channel connection, HttpRequest request) {
    channel = connection;
    connection.attr(CURRENT).set(this);
    reused = connection.attr(USED).getAndSet(Boolean.TRUE) != null;
    connection.writeAndFlush(request).addListener(written -> {
      if (!written.isSuccess()) {
        fail(written.cause(), reused);
      }
    });
  }

  private void head(HttpResponse answer) {
    lastActivity = System.nanoTime();
    if (answer.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      // the caller gets one answer, the final one (Vert.x's client drops interim answers on the other path too)
      interim = true;
      return;
    }
    answering = true;
    keepAlive = HttpUtil.isKeepAlive(answer);
    boolean closing = !keepAlive;
    long length = HttpUtil.getContentLength(answer, -1L);
    if (HopHeaders.answerHead(answer.status().code(), answer.headers().iteratorCharSequence(),
        HopHeaders.connectionOf(answer.headers()), length, caller)) {
      // as many pieces as the answer comes in (8 KB each from the codec): past a composite's default 16 Netty merges
      // them into one new buffer, the copy this spares
      body = channel.alloc().compositeBuffer(Integer.MAX_VALUE);
    } else if (RelayedEventStreams.isEventStream(answer.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
      channels.detach(upstream, channel);
      keepAlive = false;
      events = new EventEnds();
      eventStreams.opened(this);
    }
    outcome.answered(answer.status().code(), closing);
  }

  private void content(HttpContent piece) {
    lastActivity = System.nanoTime();
    if (interim) {
      interim = !(piece instanceof LastHttpContent);
      return;
    }
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

  /**
   * The caller's write queue is full: the gateway stops reading the upstream until the caller has taken enough, and
   * the route's timeout stops with it, the upstream's silence being the gateway's doing meanwhile; it starts again
   * when the gateway reads on. A caller that takes nothing is closed by the door's idle timeout.
   */
  private void waitForCaller() {
    channel.config().setAutoRead(false);
    if (!waitingForCaller) {
      waitingForCaller = true;
      timer.cancel(false);
    }
    response.drainHandler(drained -> {
      if (ended || !waitingForCaller) {
        // ended: the connection may carry another exchange by now
        return;
      }
      waitingForCaller = false;
      lastActivity = System.nanoTime();
      timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos, TimeUnit.NANOSECONDS);
      channel.config().setAutoRead(true);
    });
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
  private void fail(Throwable cause, boolean connectionWasReused) {
    if (ended) {
      return;
    }
    end(false);
    if (answering) {
      response.reset();
    } else {
      outcome.failedBeforeAnswer(cause, channel != null, connectionWasReused);
    }
  }

  private void checkIdle() {
    if (ended || waitingForCaller) {
      return;
    }
    long idleFor = System.nanoTime() - lastActivity;
    if (idleFor < timeoutNanos) {
      timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos - idleFor, TimeUnit.NANOSECONDS);
      return;
    }
    long timeoutMillis = timeoutNanos / 1_000_000;
    if (channel == null && channels.stopWaiting(upstream, acquisition)) {
      fail(new NoFreeConnection(upstream, timeoutMillis), false);
    } else {
      fail(new TimeoutException("no answer from " + upstream + " for " + timeoutMillis + " ms"), false);
    }
  }

  /** Once: the connection goes back to the pool if it can carry another request, and is closed otherwise. */
  private void end(boolean reusable) {
    if (ended) {
      return;
    }
    ended = true;
    timer.cancel(false);
    if (body != null) {
      // an answer cut short: nobody will write it
      body.release();
      body = null;
    }
    if (events != null) {
      eventStreams.closed(this);
    }
    if (channel == null) {
      // waiting no more, if it still was (its caller hung up): a connection freed later is for a request still wanted
      channels.stopWaiting(upstream, acquisition);
      return;
    }
    channel.attr(CURRENT).set(null);
    channel.config().setAutoRead(true);
    if (reusable) {
      channels.release(upstream, channel);
    } else {
      channels.discard(channel);
    }
  }

  /** The pipeline's last handler: hands what the codec decoded to the connection's current exchange. */
  static final class Handler extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
      try {
        var exchange = ctx.channel().attr(CURRENT).get();
        if (exchange == null) {
          // an answer nobody asked for: the connection is out of step, never reuse it
          ctx.close();
          return;
        }
        if (message instanceof HttpObject part && part.decoderResult().isFailure()) {
          // not HTTP, or not the HTTP we can relay (a malformed length, an oversized head): never half of it
          ctx.close();
          exchange.fail(part.decoderResult().cause(), false);
          return;
        }
        if (message instanceof HttpResponse answer) {
          exchange.head(answer);
        }
        if (message instanceof HttpContent piece) {
          exchange.content(piece);
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      var exchange = ctx.channel().attr(CURRENT).get();
      if (exchange != null) {
        exchange.fail(new HttpClosedException("the upstream closed the connection"), exchange.reused);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      var exchange = ctx.channel().attr(CURRENT).get();
      ctx.close();
      if (exchange != null) {
        exchange.fail(cause, exchange.reused);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (event instanceof IdleStateEvent && ctx.channel().attr(CURRENT).get() == null) {
        ctx.close();
      }
    }
  }
}
