package dev.orgplane.gateway.routing;

import dev.orgplane.gateway.ClientAddress;
import dev.orgplane.gateway.LastAnswer;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.IdempotencyKeys;
import dev.orgplane.kit.http.RequestIds;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What of a message's head crosses the gateway's hop, both ways: the hop-by-hop headers stay behind (the fixed ones
 * and those its Connection header names, RFC 9110 7.6.1: a sender marks that way what only the next hop is to see;
 * but not the ones the gateway relies on, {@link #END_TO_END}), the request id and X-Forwarded-* are ours to set
 * (from what a trusted proxy in front reports, where there is one), and a caller's other words on where the request
 * came from ({@link #CLIENT_CLAIMS}) do not go on.
 */
final class HopHeaders {

  /**
   * Compared as they are, without case: Vert.x's and Netty's decoders keep header names as {@link AsciiString}s, and
   * turning each into a String to look it up cost an allocation per header, twice per request.
   */
  static final List<AsciiString> HOP_BY_HOP = List.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length",
      // answered by the gateway itself (100 Continue): the body is on its way by the time the request goes on
      "expect", RequestIds.HEADER).stream().map(AsciiString::of).toList();
  /**
   * Headers a Connection header cannot keep behind: the gateway decides on them, and its decisions hold only if the
   * services see what it saw. A POST with an Idempotency-Key under a verified token may be sent twice
   * ({@link Repeats}) because the service answers the repeat as the first, which it does only with both: stripped of
   * either, the repeat is a second write. And the Authorization header is the token the door verified, or the
   * platform's token it exchanged a provider's for. Kept here rather than by deciding from what is forwarded, so no
   * decision the gateway makes from the caller's headers can be undone on the way out. No caller loses by it: RFC
   * 9110 7.6.1 forbids naming a header meant for every recipient as a connection option.
   */
  private static final List<AsciiString> END_TO_END = List.of("authorization", IdempotencyKeys.HEADER).stream()
      .map(AsciiString::of).toList();
  /**
   * Headers that say where a request came from, as some proxies write them, which no proxy the gateway trusts has
   * vouched for (it takes X-Forwarded-For alone from them, and says what it got in the X-Forwarded-* it sets): from
   * a caller they are whatever it wrote, and a service or log pipeline that someday read one would take a forged
   * address for the client's. Dropped from requests only: unlike {@link #HOP_BY_HOP}, they mean nothing in answers.
   */
  private static final List<AsciiString> CLIENT_CLAIMS = List.of("forwarded", "x-real-ip", "true-client-ip",
      "x-client-ip", "cf-connecting-ip", "fastly-client-ip", "x-cluster-client-ip").stream().map(AsciiString::of)
      .toList();
  private static final String FORWARDED = "x-forwarded-";

  private static final long SMALL_BODY_BYTES = 256 * 1024;

  private HopHeaders() {
  }

  /**
   * The caller's headers minus the hop-by-hop ones and its {@link #CLIENT_CLAIMS}, plus the request id and
   * X-Forwarded-* (the caller's own of those are dropped, so each is added once). Written straight into the upstream
   * request: through its options they were copied (and validated) twice.
   */
  static void toUpstream(RoutingContext ctx, BiConsumer<CharSequence, CharSequence> add) {
    var request = ctx.request();
    var headers = request.headers();
    passedOn(asIs(headers), connectionOf(headers), add);
    ClientAddress.Vouched vouched = ctx.get(ClientAddress.VOUCHED_FOR);
    // from anyone but a trusted proxy the chain is the caller's own words: the peer is all the gateway knows
    // the connection's, not the request's scheme: over HTTP/2 that is the caller's :scheme, whatever it wrote, and
    // vertx-web's request.isSSL() is read from it too
    added(add, RequestIds.of(ctx), vouched != null ? vouched.forwardedFor() : ClientAddress.peer(request),
        ClientAddress.reported(vouched, headers::getAll, ClientAddress.ProxyHeader.PROTO,
            request.connection().isSsl() ? "https" : "http"),
        ClientAddress.reported(vouched, headers::getAll, ClientAddress.ProxyHeader.HOST,
            request.authority() == null ? "" : request.authority().toString()));
  }

  /** The caller's {@code headers} that go on: not hop-by-hop (nor named by {@code connection}), no client claims. */
  static void passedOn(Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers,
      String connection, BiConsumer<CharSequence, CharSequence> add) {
    while (headers.hasNext()) {
      var h = headers.next();
      if (!staysBehind(h.getKey(), connection) && !isIn(CLIENT_CLAIMS, h.getKey())
          && !AsciiString.regionMatches(h.getKey(), true, 0, FORWARDED, 0, FORWARDED.length())) {
        add.accept(h.getKey(), h.getValue());
      }
    }
  }

  /** What the gateway adds to a request it sends on: the request id and X-Forwarded-*. */
  static void added(BiConsumer<CharSequence, CharSequence> add, String requestId, String forwardedFor, String proto,
      String host) {
    add.accept(RequestIds.HEADER, requestId);
    add.accept(ClientAddress.FORWARDED_FOR, forwardedFor);
    add.accept("X-Forwarded-Proto", proto);
    // an HTTP/1.0 request may name no host: none to tell, and an empty one a service would take for a host
    if (!host.isEmpty()) {
      add.accept("X-Forwarded-Host", host);
    }
  }

  /**
   * The upstream answer's head for the {@code caller}: its status and headers minus the hop-by-hop ones and its request
   * id (ours stands). Answers true when the body, of {@code length} bytes (-1: unknown), is to be collected and
   * written at once (typical API answers: one write, and nothing left to pipe if the caller has gone meanwhile);
   * false when it streams, its length announced or chunked, or to an HTTP/1.0 caller ended by its connection
   * ({@link LastAnswer}). The answer to a HEAD has no body but announces the length its GET's would have
   * (RFC 9110, 9.3.2), which Vert.x writes for no HEAD itself: without it, an answer of up to 256 KiB reached the
   * caller without a Content-Length.
   */
  static boolean answerHead(int status, Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> upstream,
      String connection, long length, RoutingContext caller) {
    var response = caller.response();
    boolean toHead = caller.request().method().equals(HttpMethod.HEAD);
    response.setStatusCode(status);
    while (upstream.hasNext()) {
      var h = upstream.next();
      if (!staysBehind(h.getKey(), connection)) {
        response.headers().add(h.getKey(), h.getValue());
      }
    }
    if (length >= 0 && length <= SMALL_BODY_BYTES && !toHead) {
      return true;
    }
    if (length >= 0) {
      response.putHeader("Content-Length", Long.toString(length));
    } else if (caller.request().version() == HttpVersion.HTTP_1_0 && !toHead) {
      // HTTP/1.0 has no chunks (Vert.x writes none to it): the body ends with the connection, also one the caller
      // asked to keep alive, where the body ran on unmarked and the caller waited for an end it could not see
      LastAnswer.on(caller);
    } else {
      response.setChunked(true);
    }
    return false;
  }

  /**
   * A Content-Length header's value, -1 without one. One that is not a number is a 400 problem; over HTTP/1 it never
   * gets here, the server's decoder refuses such a request first (and the client's such an answer).
   */
  static long contentLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("malformed_request", "Content-Length is not a number.");
    }
  }

  /**
   * A message's headers as their decoder keeps them: Vert.x's HTTP/1 headers are Netty's, whose names it would
   * otherwise copy into Strings one by one; any other (HTTP/2's) as Strings.
   */
  static Iterator<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> asIs(MultiMap headers) {
    if (headers instanceof HttpHeaders netty) {
      return netty.iteratorCharSequence();
    }
    return headers.iterator();
  }

  /** A message's Connection header, its lines joined (null: it has none, as most messages over HTTP/1.1). */
  static String connectionOf(MultiMap headers) {
    return headers.contains(HttpHeaderNames.CONNECTION)
        ? String.join(",", headers.getAll(HttpHeaderNames.CONNECTION)) : null;
  }

  /** {@link #connectionOf(MultiMap)} of an answer Netty decoded. */
  static String connectionOf(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.CONNECTION)
        ? String.join(",", headers.getAll(HttpHeaderNames.CONNECTION)) : null;
  }

  /**
   * Whether a header stays on its side of the hop: a fixed one, or one the message's {@code connection} names (but
   * for those {@link #END_TO_END}).
   */
  static boolean staysBehind(CharSequence name, String connection) {
    return isIn(HOP_BY_HOP, name) || connection != null && names(connection, name) && !isIn(END_TO_END, name);
  }

  /** Takes out of an answer's {@code headers}, to be relayed as they are, those that {@link #staysBehind}. */
  static void dropBehind(HttpHeaders headers) {
    var connection = connectionOf(headers);
    List<CharSequence> behind = new ArrayList<>();
    for (var fields = headers.iteratorCharSequence(); fields.hasNext(); ) {
      var name = fields.next().getKey();
      if (staysBehind(name, connection)) {
        behind.add(name);
      }
    }
    behind.forEach(headers::remove);
  }

  /** Whether the comma-separated {@code list} holds {@code name}, without case; compared in place, not split. */
  private static boolean names(String list, CharSequence name) {
    for (int start = 0; start <= list.length(); ) {
      int end = list.indexOf(',', start);
      end = end < 0 ? list.length() : end;
      int from = start;
      int to = end;
      while (from < to && Character.isWhitespace(list.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(list.charAt(to - 1))) {
        to--;
      }
      if (to - from == name.length() && AsciiString.regionMatches(list, true, from, name, 0, name.length())) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Whether {@code names} holds {@code name}, without case. */
  private static boolean isIn(List<AsciiString> names, CharSequence name) {
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
