package dev.orgplane.org.event;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses hooks must not reach: the blocks of the IANA IPv4 and IPv6 special-purpose address registries
 * that are not globally reachable, plus multicast. Compared on the address's bytes, never on its text, which
 * has many spellings. An IPv6 address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by
 * the IPv4 address it leads to, since that is where the packets end up.
 */
final class InternalAddresses {

  private static final List<IpSubnetFilterRule> BLOCKS = Arrays.stream(new String[] {
      "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
      "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
      "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
      "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
      "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"})
      .map(InternalAddresses::block).toList();

  /** IPv6 prefixes whose last 32 bits are an IPv4 address: IPv4-compatible (::/96), NAT64 (64:ff9b::/96). */
  private static final List<IpSubnetFilterRule> IPV4_IN_LAST_BITS = List.of(block("::/96"), block("64:ff9b::/96"));
  /**
   * The first 96 bits of IPv4-mapped (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96) addresses, compared on
   * bytes: no rule can hold the mapped prefix, which Java (and so Netty) parses as the IPv4 address 0.0.0.0.
   */
  private static final List<byte[]> IPV4_MAPPING_PREFIXES = List.of(
      new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff},
      new byte[] {0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 0, 0});
  private static final IpSubnetFilterRule SIX_TO_FOUR = block("2002::/16");

  private InternalAddresses() {
  }

  static boolean contains(InetAddress address) {
    var target = new InetSocketAddress(address, 0);
    if (BLOCKS.stream().anyMatch(block -> block.matches(target))) {
      return true;
    }
    var embedded = embeddedIpv4(address);
    return embedded != null && contains(embedded);
  }

  /**
   * The IPv4 address an IPv6 one carries, or null. Java reads an IPv4-mapped literal as IPv4, but the resolver gives a
   * mapped AAAA answer as an {@link Inet6Address}, which the IPv4 blocks do not match.
   */
  private static InetAddress embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return null;
    }
    var target = new InetSocketAddress(address, 0);
    var bytes = address.getAddress();
    if (IPV4_IN_LAST_BITS.stream().anyMatch(prefix -> prefix.matches(target))
        || IPV4_MAPPING_PREFIXES.stream().anyMatch(prefix -> Arrays.equals(bytes, 0, 12, prefix, 0, 12))) {
      return ipv4(Arrays.copyOfRange(bytes, 12, 16));
    }
    return SIX_TO_FOUR.matches(target) ? ipv4(Arrays.copyOfRange(bytes, 2, 6)) : null;
  }

  private static InetAddress ipv4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("four bytes are an IPv4 address", e);
    }
  }

  private static IpSubnetFilterRule block(String cidr) {
    var slash = cidr.indexOf('/');
    return new IpSubnetFilterRule(cidr.substring(0, slash), Integer.parseInt(cidr.substring(slash + 1)),
        IpFilterRuleType.REJECT);
  }
}
