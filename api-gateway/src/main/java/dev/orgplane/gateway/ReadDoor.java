package dev.orgplane.gateway;

import dev.orgplane.gateway.auth.TokenRefusals;
import dev.orgplane.gateway.limits.RateLimit;
import dev.orgplane.gateway.limits.TokenBuckets;
import dev.orgplane.gateway.routing.FastReads;
import dev.orgplane.gateway.routing.RouteTable;
import dev.orgplane.kit.auth.BearerToken;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.auth.TokenVerifier;
import dev.orgplane.kit.http.AllowedMethods;
import dev.orgplane.kit.http.Draining;
import dev.orgplane.kit.http.RequestIds;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.vertx.core.net.HostAndPort;

/**
 * The door's checks of a read served below the router ({@link FastReads}), made only from what it knows at once: the
 * token verified before (the verified-token cache), the rate limits' buckets, the route table and the API document's
 * methods. A read it admits is one the router would have sent on unchanged, through every handler of
 * {@link GatewayVerticle}: anything it is not sure of goes to the router, which decides it as it always has. So a
 * request goes to the router when it has a body or a framing header, an {@code Expect}, an {@code Upgrade}, a
 * {@code Connection} header, an {@code Origin} (CORS), more or fewer than one {@code Host} or one that is no
 * authority, asks for an event stream, or has a path with anything but letters, digits, {@code -} and {@code _} in
 * its segments (no dot-segment, no percent-encoding to resolve, no empty segment); when the path is open (sign-in)
 * or not a read the API document names; when its token was not verified before (the router verifies it, once), is
 * another issuer's (exchanged for the platform's on the router's path) or refused; when a rate limit would refuse it
 * (answered 429 by the router); and while the gateway drains. Behind trusted proxies the client it counts and the
 * X-Forwarded-* it sends on are those the router's door makes of the same headers ({@link ClientAddress}); with CORS
 * configured, a read without Origin has the Vary the router's CORS handler merges ({@code FastReads.Parts}).
 */
final class ReadDoor implements FastReads.Doors {

  private static final String API = "/v1/";
  private static final String SIGN_IN = "/v1/auth/";
  private static final AsciiString EVENT_STREAM = AsciiString.of("text/event-stream");

  private final TokenVerifier verifier;
  private final String ownIssuer;
  private final TokenBuckets perAddress;
  private final TokenBuckets perPrincipal;
  private final RouteTable routes;
  private final Draining draining;
  private final ClientAddress clients;

  ReadDoor(TokenVerifier verifier, String ownIssuer, TokenBuckets perAddress, TokenBuckets perPrincipal,
      RouteTable routes, Draining draining, ClientAddress clients) {
    this.verifier = verifier;
    this.ownIssuer = ownIssuer;
    this.perAddress = perAddress;
    this.perPrincipal = perPrincipal;
    this.routes = routes;
    this.draining = draining;
    this.clients = clients;
  }

  @Override
  public FastReads.Door opened(String peer, boolean tls) {
    return new ConnectionDoor(peer, tls);
  }

  /**
   * The door of one caller's connection. Its requests mostly repeat their Host and their token, so it reads each once
   * for as long as they do: the Host's authority, and the token's key among the verified ones, which is its SHA-256
   * (together 3 % of the gateway's CPU per read, hashed and parsed anew for each).
   */
  private final class ConnectionDoor implements FastReads.Door {

    private final String peer;
    private final boolean tls;
    /** The Host the last read named, and its authority as the router tells it on (null: no authority). */
    private String lastHost;
    private String lastAuthority;
    /** The Authorization the last read carried, its token (null: no bearer token) and the token's key. */
    private String lastAuthorization;
    private BearerToken lastToken;
    private TokenVerifier.Key lastKey;

    ConnectionDoor(String peer, boolean tls) {
      this.peer = peer;
      this.tls = tls;
    }

    @Override
    public FastReads.Admitted admit(HttpRequest request) {
      if (draining.noticeGiven() || request.decoderResult().isFailure() || request.method() != HttpMethod.GET
          || request.protocolVersion() != HttpVersion.HTTP_1_1 || !plainHead(request.headers())) {
        return null;
      }
      var uri = request.uri();
      int query = uri.indexOf('?');
      var path = query < 0 ? uri : uri.substring(0, query);
      if (!path.startsWith(API) || path.startsWith(SIGN_IN) || !plainPath(path)
          || AllowedMethods.refuses(path, io.vertx.core.http.HttpMethod.GET)) {
        return null;
      }
      var route = routes.match(path).orElse(null);
      var headers = request.headers();
      var principal = route == null ? null : remembered(headers.get(HttpHeaderNames.AUTHORIZATION));
      if (principal == null || !ownIssuer.equals(principal.issuer())) {
        return null;
      }
      // the router refuses a Host that is no authority (400), and tells the services the one it read
      var host = authority(headers.get(HttpHeaderNames.HOST));
      if (host == null) {
        return null;
      }
      // as the router's door has it (ClientAddress#trustedProxyMarker, HopHeaders): the client and X-Forwarded-* that
      // the trusted proxy in front vouches for, if the peer is one
      var vouched = clients.trustsProxies() ? clients.vouchedFor(peer, headers.getAll(ClientAddress.FORWARDED_FOR))
          : null;
      var address = RateLimit.addressKey(vouched != null ? vouched.client() : peer);
      // a bucket that refuses takes nothing: the router asks it again, and answers 429
      if (perAddress.take(address) > 0) {
        return null;
      }
      if (perPrincipal.take(RateLimit.principalKey(principal)) > 0) {
        perAddress.giveBack(address);
        return null;
      }
      var given = headers.get(RequestIds.HEADER);
      return new FastReads.Admitted(RequestIds.isWellFormed(given) ? given : RequestIds.newId(), path, route,
          principal, lastToken, vouched != null ? vouched.forwardedFor() : peer,
          ClientAddress.reported(vouched, headers::getAll, ClientAddress.ProxyHeader.PROTO, tls ? "https" : "http"),
          ClientAddress.reported(vouched, headers::getAll, ClientAddress.ProxyHeader.HOST, host));
    }

    /** The principal of the bearer token in {@code authorization} if it was verified before and holds still. */
    private Principal remembered(String authorization) {
      if (authorization == null) {
        return null;
      }
      if (!authorization.equals(lastAuthorization)) {
        lastAuthorization = authorization;
        lastToken = BearerToken.in(authorization);
        lastKey = lastToken == null ? null : TokenVerifier.key(lastToken);
      }
      return lastKey == null ? null : verifier.remembered(lastKey);
    }

    /** The authority {@code host} names, as the router tells it on; null for none. */
    private String authority(String host) {
      if (host == null) {
        return null;
      }
      if (!host.equals(lastHost)) {
        lastHost = host;
        var authority = HostAndPort.parseAuthority(host, -1);
        lastAuthority = authority == null ? null : authority.toString();
      }
      return lastAuthority;
    }

    @Override
    public void answered(FastReads.Admitted admitted, HttpResponse answer) {
      var headers = answer.headers();
      if (TokenRefusals.revokes(answer.status().code(), headers.get(RevokedToken.HEADER),
          headers.getAll(HttpHeaderNames.WWW_AUTHENTICATE))) {
        // refused from now on, as the router's door has it (DoorAuth)
        verifier.refuse(admitted.token());
      }
    }
  }

  /** Whether the head has only what a plain read has: one Host, no body or framing, no connection options. */
  private static boolean plainHead(HttpHeaders headers) {
    int hosts = 0;
    for (var fields = headers.iteratorCharSequence(); fields.hasNext(); ) {
      var name = fields.next().getKey();
      if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)) {
        hosts++;
      } else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.EXPECT)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
          || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.ORIGIN)) {
        return false;
      }
    }
    var accept = headers.get(HttpHeaderNames.ACCEPT);
    return hosts == 1 && (accept == null || !AsciiString.containsIgnoreCase(accept, EVENT_STREAM));
  }

  /** Whether {@code path}'s segments hold only letters, digits, {@code -} and {@code _}, none of them empty. */
  private static boolean plainPath(String path) {
    char previous = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
          || c == '/' && previous != '/';
      if (!plain) {
        return false;
      }
      previous = c;
    }
    return true;
  }
}
