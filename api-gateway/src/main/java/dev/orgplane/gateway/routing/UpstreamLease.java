package dev.orgplane.gateway.routing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request's hold on a pooled connection to its upstream ({@link UpstreamChannels}): waiting for one, sending on it,
 * giving it back or closing it once, and the route's timeout, which is an idle timeout: it fires when nothing arrived
 * for that long while the gateway was reading (paused while the caller's write queue is full, the upstream's silence
 * being the gateway's doing meanwhile). What the connection decodes, and how the hold fails, goes to the exchange that
 * relays the answer ({@link UpstreamListener}: the router's {@link UpstreamExchange}, or {@link FastExchange}).
 */
final class UpstreamLease {

  /** The hold a connection carries now: what it reads goes to its listener. */
  static final AttributeKey<UpstreamLease> CURRENT = AttributeKey.valueOf("orgplane.lease");
  /** Set on a connection once it has carried a request: a reused one may have been closed by the upstream meanwhile. */
  private static final AttributeKey<Boolean> USED = AttributeKey.valueOf("orgplane.used");

  private final UpstreamChannels channels;
  private final URI upstream;
  private final long timeoutNanos;
  private final UpstreamListener listener;
  private Future<Channel> acquisition;
  private Channel channel;
  private boolean reused;
  private boolean ended;
  private long lastActivity;
  private ScheduledFuture<?> timer;
  private boolean paused;
  /** The event streams of the gateway instance, and the one this connection carries ({@link #detach}); else null. */
  private RelayedEventStreams streams;
  private RelayedEventStreams.Stream stream;

  UpstreamLease(UpstreamChannels channels, URI upstream, long timeoutMillis, UpstreamListener listener) {
    this.channels = channels;
    this.upstream = upstream;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.listener = listener;
  }

  /**
   * Waits for a connection (within the timeout too), then sends {@code request} on it: an {@link HttpRequest} for
   * the codec to encode, or a {@link ByteBuf} of a head made as bytes ({@link RawAnswers#send}), released if it is
   * never sent.
   */
  void start(Object request) {
    lastActivity = System.nanoTime();
    timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos, TimeUnit.NANOSECONDS);
    acquisition = channels.acquire(upstream);
    acquisition.onComplete(acquired -> {
      if (ended) {
        // timed out or abandoned while waiting for the connection: one that came goes back untouched, and a failure
        // is not this hold's to tell (its exchange may be on another by now: a read below the router sent again)
        ReferenceCountUtil.release(request);
        if (acquired.succeeded()) {
          channels.release(upstream, acquired.result());
        }
      } else if (acquired.failed()) {
        ReferenceCountUtil.release(request);
        listener.fail(acquired.cause(), false);
      } else {
        send(acquired.result(), request);
      }
    });
  }

  private void send(Channel connection, Object request) {
    channel = connection;
    connection.attr(CURRENT).set(this);
    reused = connection.attr(USED).getAndSet(Boolean.TRUE) != null;
    var sent = request instanceof ByteBuf head ? RawAnswers.send(connection, head) : connection.writeAndFlush(request);
    sent.addListener(written -> {
      // a hold that ended meanwhile (timed out: its connection closed, which fails the write) tells nothing more
      if (!written.isSuccess() && !ended) {
        listener.fail(written.cause(), reused);
      }
    });
  }

  /** Something arrived from the upstream: the idle timeout counts from now. */
  void heard() {
    lastActivity = System.nanoTime();
  }

  /** The exchange that relays the answer. */
  UpstreamListener listener() {
    return listener;
  }

  /** Whether the request went out on a connection (it may not have reached the upstream). */
  boolean sent() {
    return channel != null;
  }

  /** Whether the connection had carried a request before this one. */
  boolean reused() {
    return reused;
  }

  boolean ended() {
    return ended;
  }

  /** The connection, once it carries the request. */
  Channel channel() {
    return channel;
  }

  /**
   * The answer is an event stream, {@code stream}: its connection leaves the pool's count, and is closed when it ends;
   * until then the stream is among the {@code streams} the gateway's stop ends at an event's end, which it may be at
   * once (the gateway stopping already).
   */
  void detach(RelayedEventStreams streams, RelayedEventStreams.Stream stream) {
    channels.detach(upstream, channel);
    this.streams = streams;
    this.stream = stream;
    streams.opened(stream);
  }

  /**
   * The caller's write queue is full: the upstream is not read until the caller has taken enough ({@link #resume}),
   * and the timeout stops with it. A caller that takes nothing is closed by the door's idle timeout.
   */
  void pause() {
    channel.config().setAutoRead(false);
    if (!paused) {
      paused = true;
      timer.cancel(false);
    }
  }

  /** The caller took enough: the upstream is read on, its silence counted afresh. */
  void resume() {
    if (ended || !paused) {
      // ended: the connection may carry another exchange by now
      return;
    }
    paused = false;
    lastActivity = System.nanoTime();
    timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos, TimeUnit.NANOSECONDS);
    channel.config().setAutoRead(true);
  }

  private void checkIdle() {
    if (ended || paused) {
      return;
    }
    long idleFor = System.nanoTime() - lastActivity;
    if (idleFor < timeoutNanos) {
      timer = channels.eventLoop().schedule(this::checkIdle, timeoutNanos - idleFor, TimeUnit.NANOSECONDS);
      return;
    }
    long timeoutMillis = timeoutNanos / 1_000_000;
    if (channel == null && channels.stopWaiting(upstream, acquisition)) {
      listener.fail(new NoFreeConnection(upstream, timeoutMillis), false);
    } else {
      listener.fail(new TimeoutException("no answer from " + upstream + " for " + timeoutMillis + " ms"), false);
    }
  }

  /**
   * Once (false after the first): the connection goes back to the pool if it can carry another request, and is closed
   * otherwise; a request still waiting for one waits no more (its caller hung up, or it timed out), so a connection
   * freed later is for a request still wanted.
   */
  boolean end(boolean reusable) {
    if (ended) {
      return false;
    }
    ended = true;
    timer.cancel(false);
    if (stream != null) {
      streams.closed(stream);
    }
    if (channel == null) {
      channels.stopWaiting(upstream, acquisition);
      return true;
    }
    channel.attr(CURRENT).set(null);
    channel.config().setAutoRead(true);
    if (reusable) {
      channels.release(upstream, channel);
    } else {
      channels.discard(channel);
    }
    return true;
  }
}
