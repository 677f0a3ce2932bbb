package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.RequestIds;
import dev.orgplane.kit.http.ServiceHttp;
import dev.orgplane.kit.metrics.HttpMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.URI;

/**
 * One read served below the router ({@link FastReads}): sent on a pooled upstream connection, its answer written to
 * the caller's channel piece by piece as the upstream connection reads it, flushed once at its end (a typical answer
 * is one write), or as it goes when the caller is slow or the answer streams. Its head goes as bytes made from the
 * caller's ({@link ReadHead}), and a plain answer comes back as the bytes that came, its head rewritten in place
 * ({@link RawAnswers}); any other is decoded and encoded again. The route's timeout is an idle timeout,
 * as on the router's path ({@link UpstreamExchange}). After a failure before the answer the read is sent again as the
 * router's path would send it ({@link Attempts}: to the route's next upstream, or once more when a kept-alive
 * connection was closed meanwhile); a failure left to answer hands it to the router, which answers the problem
 * ({@link FastReads#handOff}).
 */
final class FastExchange implements RawAnswers.Listener, RelayedEventStreams.Stream {

  private final FastReads reads;
  private final ChannelHandlerContext caller;
  private final HttpRequest request;
  private final FastReads.Admitted admitted;
  private final FastReads.Parts parts;
  private final long started;
  /** Where a plain answer's body is written, if it is relayed as bytes; null if not ({@link FastReads#bytesWriter}). */
  private final ChannelHandlerContext bytesWriter;
  /** Whether the caller accepts a coding the gateway's server compresses answers with. */
  private final boolean acceptsCoding;
  private Attempts attempts;
  private URI upstream;
  private long sentAt;
  private UpstreamLease lease;
  private boolean answering;
  private boolean keepAlive;
  /** Whether the answer streams: written as it comes, not flushed once at its end. */
  private boolean streams;
  /**
   * Whether the answer is an event stream, which ends when its upstream or its caller ends it, or the gateway stops
   * ({@link #events}).
   */
  private boolean endless;
  /** Where an event stream's events end, so that a stop ends it after a whole event; null for any other answer. */
  private EventEnds events;
  private int status;

  FastExchange(FastReads reads, HttpRequest request, FastReads.Admitted admitted, FastReads.Parts parts) {
    this.reads = reads;
    this.caller = reads.caller();
    this.request = request;
    this.admitted = admitted;
    this.parts = parts;
    this.started = parts.metrics().begin();
    this.attempts = Attempts.first(admitted.route());
    this.bytesWriter = reads.bytesWriter();
    this.acceptsCoding = reads.compressesFor(request);
  }

  void start() {
    var forwarding = parts.forwarding();
    sentAt = System.currentTimeMillis();
    upstream = forwarding.balancer().pick(admitted.route(), sentAt);
    lease = new UpstreamLease(forwarding.channels(), upstream, admitted.route().timeoutMillis(), this);
    lease.start(ReadHead.of(caller.alloc(), request, forwarding.authority(upstream), admitted));
  }

  @Override
  public boolean takesBytes() {
    return bytesWriter != null;
  }

  /**
   * A plain answer ({@link RawAnswers}), relayed as bytes unless the gateway adds a Vary the upstream's would be merged
   * with, or compresses it (decoded, for the compressor to read). A 2xx: nothing in it for the door
   * ({@link FastReads.Door#answered}, a token's refusal is a 401).
   */
  @Override
  public boolean relayed(AnswerHead head, ByteBuf source) {
    if (parts.variesOnOrigin() && head.varies() || acceptsCoding && head.compressible()) {
      return false;
    }
    answering = true;
    status = head.status();
    keepAlive = head.keepAlive();
    parts.forwarding().balancer().answered(upstream, sentAt, status, !keepAlive);
    parts.asBytes().increment();
    var bytes = head.relayed(source, caller.alloc(), admitted.requestId(), parts.variesOnOrigin());
    caller.write(new BytesPastEncoder.Head(status, bytes));
    return true;
  }

  @Override
  public void body(ByteBuf piece, boolean last) {
    if (last) {
      lease.end(keepAlive);
      ended(bytesWriter.writeAndFlush(piece.retain()));
      return;
    }
    bytesWriter.write(piece.retain());
    waitForSlowCaller();
  }

  @Override
  public void head(HttpResponse answer) {
    answering = true;
    status = answer.status().code();
    keepAlive = HttpUtil.isKeepAlive(answer);
    reads.door().answered(admitted, answer);
    parts.forwarding().balancer().answered(upstream, sentAt, status, !keepAlive);
    var headers = answer.headers();
    long length = HttpUtil.getContentLength(answer, -1L);
    endless = RelayedEventStreams.isEventStream(headers.get(HttpHeaderNames.CONTENT_TYPE));
    // relayed as it was decoded, not copied field by field: a third of the header objects a read made
    HopHeaders.dropBehind(headers);
    if (parts.variesOnOrigin()) {
      headers.set(HttpHeaderNames.VARY, Vary.merged(headers.getAll(HttpHeaderNames.VARY), Vary.ORIGIN));
    }
    headers.add(RequestIds.HEADER, admitted.requestId());
    if (length >= 0) {
      headers.add(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
    } else if (!noBody(status)) {
      headers.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      streams = true;
    }
    if (endless) {
      keepAlive = false;
      streams = true;
    }
    if (acceptsCoding && length >= 0 && length < ServiceHttp.COMPRESSED_FROM_BYTES && !noBody(status)
        && !headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
      // short, as the router's path leaves it: Vert.x's compressor weighs a head alone as no answer, but leaves one
      // saying identity as it is, and drops the field
      headers.set(HttpHeaderNames.CONTENT_ENCODING, HttpHeaderValues.IDENTITY);
    }
    // HTTP/1.1 whatever the upstream spoke, and the status's own reason phrase, as Vert.x writes it on the router's
    // path, not the upstream's words
    caller.write(answer.setProtocolVersion(HttpVersion.HTTP_1_1).setStatus(HttpResponseStatus.valueOf(status)));
    if (endless) {
      // as long as its caller watches, on a connection of its own (see UpstreamChannels#detach)
      events = new EventEnds();
      lease.detach(parts.eventStreams(), this);
    }
  }

  @Override
  public void content(HttpContent piece) {
    var bytes = piece.content();
    if (events != null) {
      // up to the end of the event that ends it, once the gateway stops
      bytes = bytes.slice(bytes.readerIndex(), events.read(BufferInternal.buffer(bytes.slice())));
    }
    if (bytes.isReadable()) {
      caller.write(new DefaultHttpContent(bytes.retain()));
    }
    if (piece instanceof LastHttpContent || events != null && events.ended()) {
      endAnswer();
      return;
    }
    if (streams) {
      caller.flush();
    }
    waitForSlowCaller();
  }

  /** The caller's write queue is full: the upstream is not read until it drains ({@link #callerWritable}). */
  private void waitForSlowCaller() {
    if (!caller.channel().isWritable()) {
      // paused before the flush, which may drain the caller's queue at once and say so before it returns
      lease.pause();
      caller.flush();
    }
  }

  /** The answer's end, its upstream's or a stop's. */
  private void endAnswer() {
    lease.end(keepAlive);
    ended(caller.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }

  /** The answer's last write, {@code written}: counted and logged once done. */
  private void ended(ChannelFuture written) {
    written.addListener(done -> answered(done.isSuccess() ? status : HttpMetrics.CLOSED_BY_CLIENT));
    reads.ended(written);
  }

  /** The gateway stops: the event stream ends after the event it is relaying, at once when it is between two. */
  @Override
  public void endAtEventEnd() {
    if (events.endAtNext()) {
      endAnswer();
    }
  }

  /** The caller took enough of the answer: the upstream is read on. */
  void callerWritable() {
    lease.resume();
  }

  /** The caller hung up: the upstream connection cannot carry another request, its answer half read. */
  void callerGone() {
    if (lease.end(false)) {
      counted(answering ? status : HttpMetrics.CLOSED_BY_CLIENT);
    }
  }

  @Override
  public void fail(Throwable cause, boolean connectionWasReused) {
    if (!lease.end(false)) {
      return;
    }
    if (answering) {
      // the caller has half an answer, which only the connection's end can tell it is cut
      caller.close();
      counted(status);
      return;
    }
    boolean sent = lease.sent();
    var problem = parts.forwarding().balancer().failure(cause, upstream, sent);
    var next = attempts.after(problem, upstream, sent, connectionWasReused, true);
    if (next != null) {
      attempts = next;
      start();
    } else {
      parts.metrics().handedOff();
      reads.handOff(request, admitted, problem);
    }
  }

  /** Whether the answer being relayed is an event stream. */
  boolean endless() {
    return endless;
  }

  /** The answer is written (or its caller gone meanwhile): counted and logged as the router's are. */
  private void answered(int writtenStatus) {
    counted(writtenStatus);
    if (writtenStatus != HttpMetrics.CLOSED_BY_CLIENT) {
      var principal = admitted.principal();
      parts.accessLog().record(admitted.requestId(), HttpMethod.GET.name(), admitted.path(), status,
          System.nanoTime() - started, principal.subject());
    }
  }

  /**
   * The read ended here with {@code writtenStatus}, whether its answer was written whole or cut off (its caller hung
   * up, its upstream broke it): served below the router, and counted as the router counts its requests.
   */
  private void counted(int writtenStatus) {
    parts.served().increment();
    parts.metrics().end(HttpMethod.GET.name(), writtenStatus, started);
  }

  /** 1xx, 204 and 304 answers have no body (RFC 9112, 6.3). */
  private static boolean noBody(int status) {
    return status == 204 || status == 304 || status < 200;
  }
}
