package dev.orgplane.gateway.routing;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies wait at the door, paused, until the proxy streams them on (authentication may take a round trip
 * first). A body the gateway does not forward, because it answers the request itself (401, 429, 404, 413, a refused
 * CORS origin, an upstream it cannot reach), must not stay paused: HTTP/1.1 reads the next request of a connection
 * only after this one's body, and HTTP/2 counts unread data against the whole connection's flow-control window, so
 * the connection stalled for good. Once such an answer is out, the body is read and dropped, so a client that reads
 * nothing before it has sent its whole body still gets the answer, and the connection then carries the next request.
 * Up to {@value #DRAIN_LIMIT} bytes: a longer body is cut off, over HTTP/1 by closing the connection, said in advance
 * ({@code Connection: close}) when its length is announced, over HTTP/2 by resetting its stream (NO_ERROR, RFC 9113
 * section 8.1: stop sending). Not every HTTP/2 stream: every one may have a body, and the JDK's HttpClient takes a
 * reset after a complete answer to a bodiless request for a failure of the request. A body the client sent too slowly
 * ({@link #cutOffAfterAnswer}) is cut off after the answer whatever its length: whoever trickled it would trickle the
 * rest as slowly.
 */
public final class UnreadBodies {

  static final long DRAIN_LIMIT = 16L * 1024 * 1024;
  private static final String PAUSED = "orgplane.bodyPaused";
  private static final String FORWARDED = "orgplane.bodyForwarded";
  private static final String CUT_OFF = "orgplane.bodyCutOff";

  private UnreadBodies() {
  }

  /** The door's first handler: pauses a body, and sees to it if the gateway answers without forwarding it. */
  public static void pauseAtTheDoor(RoutingContext ctx) {
    var request = ctx.request();
    if (ProxyHandler.mayHaveBody(request)) {
      request.pause();
      ctx.put(PAUSED, Boolean.TRUE);
      ctx.addHeadersEndHandler(head -> {
        if (isUnread(ctx) && isHttp1(request) && isCutOff(ctx)) {
          ctx.response().putHeader("Connection", "close");
        }
      });
      ctx.addEndHandler(answered -> {
        if (answered.succeeded() && isUnread(ctx)) {
          dispose(ctx);
        }
      });
    }
    ctx.next();
  }

  /** The proxy streams the body on: its reading is the proxy's now. */
  static void forwarded(RoutingContext ctx) {
    ctx.put(FORWARDED, Boolean.TRUE);
  }

  /** The proxy stopped streaming the body before its end (over the limit, the upstream gone): it is ours again. */
  static void abandoned(RoutingContext ctx) {
    ctx.remove(FORWARDED);
  }

  /**
   * The proxy stopped streaming a body whose upstream answered before its end: it is ours again, to drop once the
   * answer is out, now if it is.
   */
  static void answeredBeforeItsEnd(RoutingContext ctx) {
    abandoned(ctx);
    if (ctx.response().ended() && isUnread(ctx)) {
      dispose(ctx);
    }
  }

  /** The proxy stopped reading a body that came too slowly: it is ours again, to cut off after the answer. */
  static void cutOffAfterAnswer(RoutingContext ctx) {
    abandoned(ctx);
    ctx.put(CUT_OFF, Boolean.TRUE);
  }

  /** Whether the rest of the body is cut off rather than read and dropped. */
  private static boolean isCutOff(RoutingContext ctx) {
    return ctx.get(CUT_OFF) != null || announcedLength(ctx.request()) > DRAIN_LIMIT;
  }

  private static boolean isUnread(RoutingContext ctx) {
    return ctx.get(PAUSED) != null && ctx.get(FORWARDED) == null && !ctx.request().isEnded();
  }

  private static void dispose(RoutingContext ctx) {
    var request = ctx.request();
    if (isCutOff(ctx)) {
      cutOff(ctx);
      return;
    }
    var dropped = new long[1];
    request.handler(chunk -> {
      dropped[0] += chunk.length();
      if (dropped[0] > DRAIN_LIMIT) {
        request.handler(null);
        cutOff(ctx);
      }
    });
    request.resume();
  }

  /** Ends a body too long to drop: with its connection over HTTP/1, with its stream over HTTP/2. */
  private static void cutOff(RoutingContext ctx) {
    if (isHttp1(ctx.request())) {
      ctx.request().connection().close();
    } else {
      ctx.response().reset(0);
    }
  }

  private static boolean isHttp1(HttpServerRequest request) {
    return request.version() != HttpVersion.HTTP_2;
  }

  /** The announced length, -1 for none or one that is no number (the server's decoder refuses those first). */
  private static long announcedLength(HttpServerRequest request) {
    try {
      return HopHeaders.contentLength(request.getHeader("Content-Length"));
    } catch (ApiException notANumber) {
      return -1;
    }
  }
}
