package dev.orgplane.gateway;

import dev.orgplane.kit.config.ConfigException;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Who sent a request, as the rate limit per address counts it. Without trusted proxies that is the peer, whatever
 * the request says. Behind a load balancer every request's peer is the balancer, so the proxies named in
 * {@value #SETTING} (addresses or CIDR blocks) are looked through: from the peer leftwards along
 * {@code X-Forwarded-For}, the first address that is not a trusted proxy is the client. Entries left of it are
 * the caller's own words and never count, so a caller cannot pick its bucket by writing the header, nor pass them
 * on to the services ({@link #VOUCHED_FOR}). From such a proxy the gateway also takes the scheme and host it reports
 * (X-Forwarded-Proto and -Host) for the services.
 */
public final class ClientAddress {

  public static final String SETTING = "ORGPLANE_TRUSTED_PROXIES";
  /**
   * Put on the routing context of a request whose peer is a trusted proxy (see {@link #trustedProxyMarker}): the
   * X-Forwarded-For chain the proxies vouch for, from the client rightwards to the peer ({@code client, proxy, peer}).
   */
  public static final String VOUCHED_FOR = "orgplane.vouchedForwardedFor";
  /** The client {@link #trustedProxyMarker} found behind a trusted proxy, for {@link #of(RoutingContext)}. */
  private static final String CLIENT = "orgplane.clientBehindTrustedProxy";
  private static final String UNKNOWN = "unknown";

  private final List<IpSubnetFilterRule> trustedProxies;

  private ClientAddress(List<IpSubnetFilterRule> trustedProxies) {
    this.trustedProxies = trustedProxies;
  }

  /** From a comma-separated list of addresses and CIDR blocks ({@code 10.0.0.0/8, 2001:db8::/32}); blank: none. */
  public static ClientAddress trusting(String proxies) {
    var rules = new ArrayList<IpSubnetFilterRule>();
    for (var entry : proxies.split(",")) {
      if (!entry.isBlank()) {
        rules.add(rule(entry.trim()));
      }
    }
    return new ClientAddress(List.copyOf(rules));
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
      var peer = peer(ctx.request());
      if (isTrusted(peer)) {
        var hops = vouchedFor(ctx.request(), peer);
        ctx.put(CLIENT, hops.get(hops.size() - 1));
        Collections.reverse(hops);
        ctx.put(VOUCHED_FOR, String.join(", ", hops));
      }
      ctx.next();
    });
  }

  /**
   * {@link #of(HttpServerRequest)} for a request the {@link #trustedProxyMarker} has seen: behind a trusted proxy, the
   * client it found walking X-Forwarded-For, which is not walked again.
   */
  public String of(RoutingContext ctx) {
    String client = ctx.get(CLIENT);
    return client != null ? client : of(ctx.request());
  }

  /** The client's address in text, or {@code unknown}. */
  public String of(HttpServerRequest request) {
    var peer = peer(request);
    if (trustedProxies.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    var hops = vouchedFor(request, peer);
    return hops.get(hops.size() - 1);
  }

  /**
   * The addresses a request from the trusted proxy {@code peer} came by, as far as trusted proxies vouch for them,
   * nearest first: the peer, then from the right along X-Forwarded-For up to the first that is not a trusted proxy,
   * the client (the last).
   */
  private List<String> vouchedFor(HttpServerRequest request, String peer) {
    var hops = new ArrayList<String>();
    hops.add(peer);
    var forwarded = String.join(",", request.headers().getAll("X-Forwarded-For")).split(",");
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
