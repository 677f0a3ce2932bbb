package dev.orgplane.gateway.limits;

import io.netty.util.NetUtil;
import java.nio.ByteBuffer;

/**
 * What the rate limit per address counts a client by: an IPv4 address, or the /64 network of an IPv6 one. An IPv6
 * subscriber is given a whole /64 and picks any address in it at will, so a bucket per address was a fresh bucket
 * per request for the asking. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is its IPv4 address. A site
 * is given more than a /64 as easily (a customer of an ISP or a hosting provider its /56, a tunnel broker's user a /48:
 * 65,536 /64s), so a limit that must hold against one holder counts its {@link #siteOf site} too.
 */
final class ClientNetwork {

  /** The first 64 bits of an IPv6 address. */
  private record Ipv6Slash64(long prefix) {
  }

  /** The first bits of an IPv6 address, as many as its site's prefix has, the rest of its first 64 zero. */
  private record Ipv6Site(long prefix) {
  }

  private ClientNetwork() {
  }

  /** The bucket key of {@code address} (text, as {@code ClientAddress} gives it); anything not an IP, as it is. */
  static Object of(String address) {
    var bytes = ipBytes(address);
    if (bytes == null) {
      return address;
    }
    if (bytes.length == 4) {
      return NetUtil.bytesToIpAddress(bytes);
    }
    if (isIpv4Mapped(bytes)) {
      return NetUtil.bytesToIpAddress(bytes, 12, 4);
    }
    return new Ipv6Slash64(ByteBuffer.wrap(bytes).getLong());
  }

  /**
   * The network of the first {@code prefixLength} bits (1 to 63) of an IPv6 {@code address}; null for anything else,
   * which has no site to share beyond what {@link #of} counts it by.
   */
  static Object siteOf(String address, int prefixLength) {
    var bytes = ipBytes(address);
    if (bytes == null || bytes.length == 4 || isIpv4Mapped(bytes)) {
      return null;
    }
    return new Ipv6Site(ByteBuffer.wrap(bytes).getLong() & (-1L << (Long.SIZE - prefixLength)));
  }

  /** The bytes of an address with a colon, as every IPv6 one has; null for other text, or none to be read. */
  private static byte[] ipBytes(String address) {
    return address.indexOf(':') < 0 ? null : NetUtil.createByteArrayFromIpAddressString(address);
  }

  private static boolean isIpv4Mapped(byte[] ipv6) {
    for (int i = 0; i < 10; i++) {
      if (ipv6[i] != 0) {
        return false;
      }
    }
    return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
  }
}
