package dev.orgplane.gateway;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Who sent a request, as the rate limit per address counts it. Without trusted proxies that is the peer, whatever
 * the request says. Behind a load balancer every request's peer is the balancer, so the proxies named in
 * {@value #SETTING} (addresses or CIDR blocks) are looked through: from the peer leftwards along
 * {@code X-Forwarded-For}, the first address that is not a trusted proxy is the client. Entries left of it are
 * the caller's own words and never count, so a caller cannot pick its bucket by writing the header, nor pass them
 * on to the services ({@link #VOUCHED_FOR}). From such a proxy the gateway also takes the scheme and host it reports
 * (X-Forwarded-Proto and -Host) for the services, those of them {@value #HEADERS_SETTING} names: a proxy that only
 * appends to X-Forwarded-For (nginx's {@code $proxy_add_x_forwarded_for}, a network load balancer) passes its
 * client's own X-Forwarded-Host and -Proto on untouched, and the services would hear a host or scheme forged.
 */
public final class ClientAddress {

  public static final String SETTING = "ORGPLANE_TRUSTED_PROXIES";
  public static final String HEADERS_SETTING = "ORGPLANE_TRUSTED_PROXY_HEADERS";
  public static final String FORWARDED_FOR = "X-Forwarded-For";
  /**
   * Put on the routing context of a request whose peer is a trusted proxy (see {@link #trustedProxyMarker}): what the
   * proxies vouch for ({@link Vouched}), which is not walked again.
   */
  public static final String VOUCHED_FOR = "orgplane.vouchedForwardedFor";
  private static final String UNKNOWN = "unknown";

  /** What a trusted proxy may say of the original request, in the header it says it in; named {@code proto, host}. */
  public enum ProxyHeader {
    PROTO("X-Forwarded-Proto"), HOST("X-Forwarded-Host");

    private final String header;

    ProxyHeader(String header) {
      this.header = header;
    }
  }

  /**
   * What the trusted proxies in front vouch for of a request: its {@code client}, the X-Forwarded-For chain from
   * it rightwards to the peer ({@code client, proxy, peer}), which the gateway passes on, and which of the original
   * request's scheme and host they {@code report}.
   */
  public record Vouched(String client, String forwardedFor, Set<ProxyHeader> reports) {
  }

  private final List<IpSubnetFilterRule> trustedProxies;
  private final Set<ProxyHeader> proxyHeaders;

  private ClientAddress(List<IpSubnetFilterRule> trustedProxies, Set<ProxyHeader> proxyHeaders) {
    this.trustedProxies = trustedProxies;
    this.proxyHeaders = proxyHeaders;
  }

  /**
   * As {@value #SETTING} and {@value #HEADERS_SETTING} have it; a bad value of either stops the start, naming it, and
   * so do headers named with no proxy, naming both.
   */
  public static ClientAddress from(Settings settings) {
    return trusting(settings.string(SETTING, ""), settings.string(HEADERS_SETTING, ""));
  }

  /**
   * From a comma-separated list of addresses and CIDR blocks ({@code 10.0.0.0/8, 2001:db8::/32}; blank: none), and
   * those of the {@link ProxyHeader}s they set ({@code proto, host}; blank or {@code none}: none). Headers named with
   * no proxy trusted are refused: only a trusted proxy's are believed, so the operator who named them would believe
   * the gateway passes on what it ignores.
   */
  public static ClientAddress trusting(String proxies, String proxyHeaders) {
    var rules = new ArrayList<IpSubnetFilterRule>();
    for (var entry : proxies.split(",")) {
      if (!entry.isBlank()) {
        rules.add(rule(entry.trim()));
      }
    }
    var headers = proxyHeaders(proxyHeaders);
    if (rules.isEmpty() && !headers.isEmpty()) {
      throw new ConfigException(HEADERS_SETTING + " is '" + proxyHeaders.trim() + "' but " + SETTING + " names no "
          + "proxy: the gateway believes X-Forwarded-Proto and -Host only from a trusted proxy; name the proxies, or "
          + "set " + HEADERS_SETTING + " to none");
    }
    return new ClientAddress(List.copyOf(rules), headers);
  }

  private static Set<ProxyHeader> proxyHeaders(String named) {
    if (named.trim().equalsIgnoreCase("none")) {
      return Set.of();
    }
    var headers = EnumSet.noneOf(ProxyHeader.class);
    for (var entry : named.split(",")) {
      if (!entry.isBlank()) {
        headers.add(proxyHeader(entry.trim()));
      }
    }
    return Set.copyOf(headers);
  }

  private static ProxyHeader proxyHeader(String entry) {
    for (var header : ProxyHeader.values()) {
      if (header.name().equalsIgnoreCase(entry)) {
        return header;
      }
    }
    throw new ConfigException(HEADERS_SETTING + ": '" + entry + "' is neither proto nor host: name those the trusted "
        + "proxies set, or none");
  }

  private static IpSubnetFilterRule rule(String entry) {
    var slash = entry.indexOf('/');
    var ip = slash < 0 ? entry : entry.substring(0, slash);
    var v4 = NetUtil.isValidIpV4Address(ip);
    if (!v4 && !NetUtil.isValidIpV6Address(ip)) {
      throw new ConfigException(SETTING + ": '" + entry + "' is not an IP address or a CIDR block");
    }
    var bits = v4 ? 32 : 128;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(entry.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > bits) {
      throw new ConfigException(SETTING + ": '" + entry + "' has no prefix length from 0 to " + bits);
    }
    return new IpSubnetFilterRule(ip, prefix, IpFilterRuleType.ACCEPT);
  }

  /** Whether any proxy is trusted: without one, no request's X-Forwarded-For is believed. */
  public boolean trustsProxies() {
    return !trustedProxies.isEmpty();
  }

  /**
   * A door handler that marks requests from a trusted proxy ({@link #VOUCHED_FOR}), so the hop forwards the chain
   * it vouches for and what it says of the original request (its scheme and host); none when no proxy is trusted.
   */
  public Optional<Handler<RoutingContext>> trustedProxyMarker() {
    if (!trustsProxies()) {
      return Optional.empty();
    }
    return Optional.of(ctx -> {
      var vouched = vouchedFor(peer(ctx.request()), ctx.request().headers().getAll(FORWARDED_FOR));
      if (vouched != null) {
        ctx.put(VOUCHED_FOR, vouched);
      }
      ctx.next();
    });
  }

  /**
   * {@link #of(HttpServerRequest)} for a request the {@link #trustedProxyMarker} has seen: behind a trusted proxy, the
   * client it found walking X-Forwarded-For, which is not walked again.
   */
  public String of(RoutingContext ctx) {
    Vouched vouched = ctx.get(VOUCHED_FOR);
    return vouched != null ? vouched.client() : of(ctx.request());
  }

  /** The client's address in text, or {@code unknown}. */
  public String of(HttpServerRequest request) {
    var peer = peer(request);
    var vouched = trustsProxies() ? vouchedFor(peer, request.headers().getAll(FORWARDED_FOR)) : null;
    return vouched != null ? vouched.client() : peer;
  }

  /**
   * What the trusted proxies vouch for of a request from {@code peer} ({@link #peer}'s text) carrying
   * {@code forwardedFor}, the values of its X-Forwarded-For headers in order; null when the peer is no trusted proxy,
   * and so the request's own words count for nothing. The router's door and the reads served below it both ask here.
   */
  public Vouched vouchedFor(String peer, List<String> forwardedFor) {
    if (!trustsProxies() || !isTrusted(peer)) {
      return null;
    }
    var hops = hops(peer, forwardedFor);
    var client = hops.get(hops.size() - 1);
    Collections.reverse(hops);
    return new Vouched(client, String.join(", ", hops), proxyHeaders);
  }

  /**
   * What {@code header} (X-Forwarded-Proto or -Host, its values by name in {@code headers}) tells the services of the
   * original request: what the trusted proxy in front says, if the request is {@code vouched} for and the proxies
   * set that header, else {@code own}, what this hop saw (behind a balancer that ends TLS the services hear https).
   * Its last value over all the header's lines: the one the proxy set or appended, where values left of it are
   * whatever its client sent.
   */
  public static String reported(Vouched vouched, Function<String, List<String>> headers, ProxyHeader header,
      String own) {
    if (vouched == null || !vouched.reports().contains(header)) {
      return own;
    }
    var said = headers.apply(header.header);
    if (said.isEmpty()) {
      return own;
    }
    var line = said.get(said.size() - 1);
    var last = line.substring(line.lastIndexOf(',') + 1).trim();
    return last.isEmpty() ? own : last;
  }

  /**
   * The addresses a request from the trusted proxy {@code peer} came by, as far as trusted proxies vouch for them,
   * nearest first: the peer, then from the right along X-Forwarded-For up to the first that is not a trusted proxy,
   * the client (the last).
   */
  private List<String> hops(String peer, List<String> forwardedFor) {
    var hops = new ArrayList<String>();
    hops.add(peer);
    var forwarded = String.join(",", forwardedFor).split(",");
    for (int i = forwarded.length - 1; i >= 0; i--) {
      var hop = literal(forwarded[i].trim());
      if (hop == null) {
        // a trusted proxy passed on what it could not read: the last one it can vouch for is all we know
        break;
      }
      hops.add(hop);
      if (!isTrusted(hop)) {
        break;
      }
    }
    return hops;
  }

  /**
   * The peer's IP address in text, or {@code unknown}. {@code host()}, not {@code hostAddress()}: for an accepted
   * connection (whose peer is never looked up by name) both are the IP address in text, but {@code host()} is
   * kept with the connection, while {@code hostAddress()} formats it anew, twice per request.
   */
  public static String peer(HttpServerRequest request) {
    var address = request.remoteAddress();
    var host = address == null ? null : address.host();
    return host == null ? UNKNOWN : host;
  }

  private boolean isTrusted(String address) {
    var ip = NetUtil.createInetAddressFromIpAddressString(address);
    if (ip == null) {
      return false;
    }
    var socket = new InetSocketAddress(ip, 0);
    for (var proxy : trustedProxies) {
      if (proxy.matches(socket)) {
        return true;
      }
    }
    return false;
  }

  /** An X-Forwarded-For entry's address ({@code [v6]:port} and {@code v4:port} as some proxies write them), or null. */
  private static String literal(String hop) {
    var address = hop;
    if (address.startsWith("[") && address.indexOf(']') > 0) {
      address = address.substring(1, address.indexOf(']'));
    } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
      address = address.substring(0, address.indexOf(':'));
    }
    return NetUtil.isValidIpV4Address(address) || NetUtil.isValidIpV6Address(address) ? address : null;
  }
}
