package dev.orgplane.gateway.routing;

import dev.orgplane.kit.metrics.HeldGauge;
import dev.orgplane.kit.metrics.Metrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kept-alive HTTP/1.1 connections from one gateway instance to its upstreams, all on that instance's
 * event loop, so nothing here is shared between threads: what requests without a body travel on (see
 * {@link UpstreamExchange}). At most {@code maxPerUpstream} connections per upstream, event streams not counted
 * ({@link #detach}); requests beyond that wait for one, first come first served. A connection idle for a minute is closed. The open connections and the
 * waiting requests per upstream, over every instance, are gauges ({@value #CONNECTIONS}, {@value #WAITING}), there
 * while an instance that sent to the upstream runs.
 */
final class UpstreamChannels {

  static final String CONNECTIONS = "orgplane_gateway_upstream_connections";
  static final String WAITING = "orgplane_gateway_upstream_waiting_requests";
  private static final int IDLE_SECONDS = 60;
  private static final AttributeKey<Boolean> DETACHED = AttributeKey.valueOf("orgplane.detached");

  private final VertxInternal vertx;
  private final ContextInternal context;
  private final int maxPerUpstream;
  private final Map<URI, Upstream> upstreams = new HashMap<>();

  /** To be made on the event loop of the gateway instance that will use it. */
  UpstreamChannels(Vertx vertx, int maxPerUpstream) {
    this.vertx = (VertxInternal) vertx;
    this.context = this.vertx.getOrCreateContext();
    this.maxPerUpstream = maxPerUpstream;
  }

  /** The event loop every connection here, and every exchange on them, runs on. */
  EventLoop eventLoop() {
    return context.nettyEventLoop();
  }

  /** A connection to {@code upstream} for one exchange; give it back with {@link #release} or {@link #discard}. */
  Future<Channel> acquire(URI upstream) {
    return upstreams.computeIfAbsent(upstream, Upstream::new).acquire();
  }

  /**
   * The request that asked for {@code acquisition} waited its route's timeout, or its caller hung up: whether it was
   * still waiting for a connection to come free (the pool is busy), not for one being opened for it (the upstream is
   * slow to accept); if so it waits no more.
   */
  boolean stopWaiting(URI upstream, Future<Channel> acquisition) {
    return upstreams.get(upstream).stopWaiting(acquisition);
  }

  /** The exchange ended cleanly and the upstream keeps the connection open: the next request may use it. */
  void release(URI upstream, Channel channel) {
    upstreams.get(upstream).release(channel);
  }

  /**
   * The exchange on {@code channel} turned out to be an event stream, which lasts as long as its caller watches:
   * from now on the connection does not count against the limit (a hundred watchers would otherwise hold every
   * connection reads wait for), and it is closed, not pooled, when the stream ends.
   */
  void detach(URI upstream, Channel channel) {
    upstreams.get(upstream).detach(channel);
  }

  /** The connection cannot carry another request (broken, timed out, half read): closed. */
  void discard(Channel channel) {
    channel.close();
  }

  /**
   * At stop, once the server has drained its requests: every connection is idle then, and closed; the gauges are let
   * go, so an upstream no instance sends to any more (the gateway stopped, or was deployed again without it) leaves
   * {@code /metrics} instead of reporting its last count there.
   */
  void close() {
    upstreams.values().forEach(upstream -> {
      // a copy: closing a connection on its event loop takes it out of the idle list at once
      List.copyOf(upstream.idle).forEach(Channel::close);
      upstream.openGauge.release();
      upstream.waitingGauge.release();
    });
  }

  private final class Upstream {
    private final Bootstrap bootstrap;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final ArrayDeque<Promise<Channel>> waiting = new ArrayDeque<>();
    private int open;
    private final HeldGauge openGauge;
    private final HeldGauge waitingGauge;

    Upstream(URI upstream) {
      openGauge = HeldGauge.hold(Metrics.registry(), CONNECTIONS,
          "Open gateway connections to an upstream, for requests without a body", "upstream", upstream.toString());
      waitingGauge = HeldGauge.hold(Metrics.registry(), WAITING,
          "Requests without a body waiting for a connection to an upstream", "upstream", upstream.toString());
      boolean unix = Route.UNIX.equals(upstream.getScheme());
      var address = unix ? SocketAddress.domainSocketAddress(upstream.getPath())
          : SocketAddress.inetSocketAddress(upstream.getPort(), upstream.getHost());
      bootstrap = new Bootstrap()
          .group(context.nettyEventLoop())
          .channelFactory(vertx.transport().channelFactory(unix))
          .remoteAddress(vertx.transport().convert(address))
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, ProxyHandler.CONNECT_TIMEOUT_MILLIS)
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              // idle first: it sees the bytes that pass the codec ({@link RawAnswers}) too
              channel.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS))
                  .addLast(RawAnswers.NAME, new RawAnswers())
                  .addLast(new HttpClientCodec(new HttpDecoderConfig().setMaxInitialLineLength(8192), false, false),
                      new UpstreamExchange.Handler());
            }
          });
      if (!unix) {
        bootstrap.option(ChannelOption.TCP_NODELAY, true);
      }
    }

    Future<Channel> acquire() {
      Channel channel;
      while ((channel = idle.pollLast()) != null) {
        if (channel.isActive()) {
          return Future.succeededFuture(channel);
        }
      }
      Promise<Channel> promise = context.promise();
      if (open < maxPerUpstream) {
        connect(promise);
      } else {
        waiting.add(promise);
        waitingGauge.count().incrementAndGet();
      }
      return promise.future();
    }

    /** A connection being opened counts against the limit at once, and in the gauge once it is open. */
    private void connect(Promise<Channel> promise) {
      open++;
      bootstrap.connect().addListener((ChannelFuture connected) -> {
        if (!connected.isSuccess()) {
          open--;
          promise.fail(connected.cause());
          // the next one tries for itself, and fails as fast when the upstream is down: left waiting, it waited out
          // its route's timeout into a 504 (and a quarantine) unless another connection happened to close
          slotFreed();
          return;
        }
        openGauge.count().incrementAndGet();
        var channel = connected.channel();
        channel.closeFuture().addListener(closed -> closed(channel));
        promise.complete(channel);
      });
    }

    boolean stopWaiting(Future<Channel> acquisition) {
      boolean waited = waiting.removeIf(waiter -> waiter.future() == acquisition);
      if (waited) {
        waitingGauge.count().decrementAndGet();
      }
      return waited;
    }

    void release(Channel channel) {
      var waiter = nextWaiting();
      if (waiter != null) {
        waiter.complete(channel);
      } else {
        idle.addLast(channel);
      }
    }

    void detach(Channel channel) {
      channel.attr(DETACHED).set(Boolean.TRUE);
      open--;
      slotFreed();
    }

    private void closed(Channel channel) {
      openGauge.count().decrementAndGet();
      if (channel.attr(DETACHED).get() != null) {
        return;
      }
      open--;
      idle.remove(channel);
      slotFreed();
    }

    /** A connection no longer counts against the limit: the request waiting longest gets one of its own. */
    private void slotFreed() {
      var waiter = nextWaiting();
      if (waiter != null) {
        connect(waiter);
      }
    }

    private Promise<Channel> nextWaiting() {
      var waiter = waiting.poll();
      if (waiter != null) {
        waitingGauge.count().decrementAndGet();
      }
      return waiter;
    }
  }
}
