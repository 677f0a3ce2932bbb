package dev.orgplane.gateway.routing;

import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.AccessLog;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.kit.metrics.HttpMetrics;
import dev.orgplane.kit.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;

/**
 * Serves the door's hot reads below Vert.x's HTTP server and vertx-web: an HTTP/1.1 GET without a body, under a token
 * verified already, that the door admits from what it knows at once ({@link Door}), goes to its upstream on the
 * router's own pooled connections ({@link UpstreamChannels}) and its answer straight back to the caller's channel.
 * Vert.x's request and response objects, the router's dozen handlers and the routing context cost about a quarter of
 * the gateway's CPU per proxied read (see the README's "The gateway's hot path"). One of these sits in each HTTP/1
 * door connection's pipeline, just ahead of Vert.x's handler.
 *
 * <p>Everything else goes to Vert.x as it came, and so does a read whose exchange failed before its answer, with the
 * failure for the router to answer ({@link #answerHandedFailures}): every refusal and every problem answer is the
 * router's, written once. Answers keep the order of their requests: a read is served here only while Vert.x holds no
 * request of the connection, and what arrives while one is served waits for its end.
 */
public final class FastReads extends ChannelDuplexHandler {

  /** The name of the handler in a connection's pipeline. */
  public static final String NAME = "orgplane-fast-reads";
  private static final String VERTX_HANDLER = "handler";
  private static final String VERTX_ENCODER = "httpEncoder";
  private static final String VERTX_COMPRESSOR = "deflater";
  static final String SERVED = "orgplane_gateway_fast_reads";
  static final String HANDED_OFF = "orgplane_gateway_fast_reads_handed_off";
  static final String AS_BYTES = "orgplane_gateway_fast_reads_as_bytes";
  private static final AttributeKey<ApiException> HANDED_FAILURE = AttributeKey.valueOf("orgplane.handedFailure");

  /** The door of the gateway instance: one for each caller's connection. */
  public interface Doors {
    /** The door of a connection from {@code peer}, over TLS or not. */
    Door opened(String peer, boolean tls);
  }

  /** What the door decides of a connection's reads before they go on, from what it knows at once. */
  public interface Door {
    /**
     * The read admitted, the rate limits' tokens taken; or null for a request the router is to decide (any other than
     * a plain read, one whose token is not verified already, one a limit would refuse).
     */
    Admitted admit(HttpRequest request);

    /** The upstream's answer to {@code admitted}, before it is relayed (a token the service refused as revoked). */
    void answered(Admitted admitted, HttpResponse answer);
  }

  /**
   * A read the door let through: its id (the caller's, if well-formed), path as routed, route, principal and token;
   * what the gateway tells its upstream of where it came from ({@code forwardedFor}, {@code proto}, {@code host}).
   */
  public record Admitted(String requestId, String path, Route route, Principal principal, BearerToken token,
      String forwardedFor, String proto, String host) {
  }

  /**
   * What a gateway instance's connections serve reads with: its doors; whether every answer's Vary names the Origin
   * (the gateway serves CORS, whose handler merges it into the router's answers, {@link Vary}); the upstream
   * connections and balancer of its router's reads, and the meters and access log every request is counted and logged
   * in.
   */
  public record Parts(Doors doors, boolean variesOnOrigin, Forwarding forwarding, RelayedEventStreams eventStreams,
      HttpMetrics metrics, AccessLog accessLog, Counter served, Counter handedOff, Counter asBytes) {
    public Parts(Doors doors, boolean variesOnOrigin, ProxyHandler proxy, HttpMetrics metrics, AccessLog accessLog) {
      this(doors, variesOnOrigin, proxy.forwarding(), proxy.eventStreams(), metrics, accessLog,
          Counter.builder(SERVED).description("Reads served below the router, not handed to it: their answer "
              + "written whole, or cut off by their caller or upstream")
              .register(Metrics.registry()),
          Counter.builder(HANDED_OFF).description("Reads begun below the router and handed to it, their exchange "
              + "failed before the answer").register(Metrics.registry()),
          Counter.builder(AS_BYTES).description("Reads served below the router whose plain answer went on as the "
              + "bytes that came, not decoded and encoded again").register(Metrics.registry()));
    }
  }

  private final Parts parts;
  private final Door door;
  private ChannelHandlerContext ctx;
  /** Where the bodies of answers relayed as bytes are written: past Vert.x's encoder. */
  private ChannelHandlerContext bytesWriter;
  /** Whether Vert.x compresses answers (the gateway's server does) for callers that accept a coding. */
  private boolean compresses;
  /** Requests given to Vert.x whose answer has not ended yet. */
  private int routerRequests;
  /** Whether the request being read, head and body, is Vert.x's. */
  private boolean toRouter;
  /** Whether the end of the request being served is still to come (and be dropped). */
  private boolean endToCome;
  private FastExchange served;
  /** What arrived while a read was served, in order. */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  /** A close asked for (by Vert.x: idle, draining) while a read was served: done once it is answered. */
  private ChannelPromise closeAsked;
  /** Whether Vert.x was given something since the read it was in ended: it writes its answers at that end. */
  private boolean unflushedRead;
  /** Whether this handler stopped reading the connection, requests waiting: it reads on when they go on. */
  private boolean holding;
  /**
   * Whether Vert.x decided to close the connection (an answer saying {@code Connection: close}, a request that asked
   * for it or could not ask to keep it, a close): what follows on it is Vert.x's to drop, never served here.
   */
  private boolean closing;

  private FastReads(Parts parts, Door door) {
    this.parts = parts;
    this.door = door;
  }

  /** Puts a handler in {@code connection}'s pipeline if it is an HTTP/1 one (HTTP/2's streams go to the router). */
  public static void serve(HttpConnection connection, Parts parts) {
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    var pipeline = base.channel().pipeline();
    // the upstream connections are the gateway instance's, on its event loop: a connection on another (not how Vert.x
    // hands them out) goes to the router
    if (pipeline.get(VERTX_HANDLER) != null && pipeline.get("httpDecoder") != null
        && pipeline.get(VERTX_ENCODER) != null
        && base.channel().eventLoop() == parts.forwarding().channels().eventLoop()) {
      var address = connection.remoteAddress();
      var host = address == null ? null : address.host();
      pipeline.addAfter(VERTX_ENCODER, BytesPastEncoder.NAME, new BytesPastEncoder(pipeline.context(VERTX_ENCODER)));
      pipeline.addBefore(VERTX_HANDLER, NAME,
          new FastReads(parts, parts.doors().opened(host == null ? "unknown" : host, connection.isSsl())));
    }
  }

  /** A router handler, first: a read handed over with the failure it met is answered with it. */
  public static void answerHandedFailures(RoutingContext ctx) {
    // read once: the connection's next request has none
    var failure = ctx.request().connection() instanceof ConnectionBase base
        ? base.channel().attr(HANDED_FAILURE).getAndSet(null) : null;
    if (failure != null) {
      UpstreamBalancer.fail(ctx, failure);
    } else {
      ctx.next();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    bytesWriter = ctx.pipeline().context(VERTX_ENCODER);
    compresses = ctx.pipeline().get(VERTX_COMPRESSOR) != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (endToCome && message instanceof HttpContent) {
      // a read has no body: what follows its head is the empty end, which the decoder sends on its own
      endToCome = !(message instanceof LastHttpContent);
      ReferenceCountUtil.release(message);
      return;
    }
    if (served != null) {
      waiting.add(message);
      holding = true;
      ctx.channel().config().setAutoRead(false);
      return;
    }
    if (!closing && !toRouter && routerRequests == 0 && message instanceof HttpRequest request
        && !(message instanceof HttpContent)) {
      var admitted = door.admit(request);
      if (admitted != null) {
        endToCome = true;
        served = new FastExchange(this, request, admitted, parts);
        served.start();
        return;
      }
    }
    toRouter(message);
  }

  private void toRouter(Object message) {
    unflushedRead = true;
    if (message instanceof HttpRequest request) {
      routerRequests++;
      closing |= !HttpUtil.isKeepAlive(request);
    }
    if (message instanceof HttpRequest || toRouter) {
      toRouter = !(message instanceof LastHttpContent);
    }
    ctx.fireChannelRead(message);
  }

  /**
   * The read served ended, answered ({@code written}: its last write) or handed to the router (null): what waited goes
   * on, or the close asked for meanwhile is done, once the answer is written (a close fails what is not).
   */
  void ended(ChannelFuture written) {
    served = null;
    if (closeAsked != null) {
      releaseWaiting();
      endRouterRead();
      var close = closeAsked;
      if (written == null) {
        ctx.close(close);
      } else {
        written.addListener(done -> ctx.close(close));
      }
      return;
    }
    if (holding) {
      holding = false;
      ctx.channel().config().setAutoRead(true);
    }
    while (served == null && !waiting.isEmpty()) {
      channelRead(ctx, waiting.poll());
    }
    endRouterRead();
  }

  /**
   * Tells Vert.x the read it was given ended: requests handed to it after the socket's read (a read that failed, one
   * that waited) are answered in its write queue until it hears so, and the caller waited for them forever.
   */
  private void endRouterRead() {
    if (unflushedRead) {
      unflushedRead = false;
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    unflushedRead = false;
    ctx.fireChannelReadComplete();
  }

  /**
   * The read served goes to the router after all, to answer {@code failure}: first thing, before its rate limits, so
   * the tokens taken here stand.
   */
  void handOff(HttpRequest request, Admitted admitted, ApiException failure) {
    parts.handedOff().increment();
    ctx.channel().attr(HANDED_FAILURE).set(failure);
    // the router logs and answers it under the id its upstream saw
    request.headers().set(RequestIds.HEADER, admitted.requestId());
    served = null;
    toRouter(request);
    toRouter(LastHttpContent.EMPTY_LAST_CONTENT);
    ended(null);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
    // only Vert.x's answers pass here (the reads served here are written from this handler, past it): one ends with
    // its last content, but for an interim 100 Continue, written whole
    if (message instanceof LastHttpContent && !(message instanceof HttpResponse interim
        && interim.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
      routerRequests--;
    }
    if (message instanceof HttpResponse answer && !HttpUtil.isKeepAlive(answer)) {
      closing = true;
    }
    ctx.write(message, promise);
  }

  /**
   * A close Vert.x asks for while a read is served (the connection idle to its knowledge: at a stop, or its idle
   * timeout) waits for the answer's end; an event stream, which has none of its own, ends after the event under way,
   * as a stop's notice ends it ({@link RelayedEventStreams}): within the drain's grace, after which Vert.x closes the
   * connection all the same (a second close, not held).
   */
  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    closing = true;
    if (served != null && closeAsked == null) {
      closeAsked = promise;
      if (served.endless()) {
        served.endAtEventEnd();
      }
      return;
    }
    ctx.close(promise);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (served != null && ctx.channel().isWritable()) {
      served.callerWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (served != null) {
      var abandoned = served;
      served = null;
      abandoned.callerGone();
    }
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  private void releaseWaiting() {
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
  }

  /** The caller's end of the connection the reads are served on. */
  ChannelHandlerContext caller() {
    return ctx;
  }

  /**
   * Where the bodies of answers relayed as bytes are written ({@link RawAnswers}): past Vert.x's encoder, which is idle
   * while a read is served here (Vert.x holds no request of the connection then), and encodes nothing but messages;
   * their heads go as a {@link BytesPastEncoder.Head}. Null once Vert.x took the encoder away.
   */
  ChannelHandlerContext bytesWriter() {
    return bytesWriter.isRemoved() ? null : bytesWriter;
  }

  /**
   * Whether Vert.x would compress the answer to {@code request} if it may: the caller accepts a coding
   * (Accept-Encoding, the first line, as the compressor reads it, naming anything but {@code identity}).
   */
  boolean compressesFor(HttpRequest request) {
    var coding = compresses ? request.headers().get(HttpHeaderNames.ACCEPT_ENCODING) : null;
    return coding != null && !HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(coding.trim());
  }

  /** The door of this connection. */
  Door door() {
    return door;
  }
}
