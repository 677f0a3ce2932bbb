package dev.orgplane.gateway.limits;

import io.netty.util.NetUtil;
import java.nio.ByteBuffer;

/**
 * What the rate limit per address counts a client by: an IPv4 address, or the /64 network of an IPv6 one. An IPv6
 * subscriber is given a whole /64 and picks any address in it at will, so a bucket per address was a fresh bucket
 * per request for the asking. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is its IPv4 address. A site
 * is given a /48 as easily (tunnel brokers hand them out free): 65,536 /64s, so a limit that must hold against one
 * holder counts its {@link #siteOf site} too.
 */
final class ClientNetwork {

  /** The first 64 bits of an IPv6 address. */
  private record Ipv6Slash64(long prefix) {
  }

  /** The first 48 bits of an IPv6 address, the rest of its first 64 zero. */
  private record Ipv6Slash48(long prefix) {
  }

  private static final long SLASH_48 = -1L << 16;

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
   * The /48 network of an IPv6 {@code address}; null for anything else, which has no site to share beyond what
   * {@link #of} counts it by.
   */
  static Object siteOf(String address) {
    var bytes = ipBytes(address);
    if (bytes == null || bytes.length == 4 || isIpv4Mapped(bytes)) {
      return null;
    }
    return new Ipv6Slash48(ByteBuffer.wrap(bytes).getLong() & SLASH_48);
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
