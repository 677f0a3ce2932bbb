package dev.orgplane.gateway.limits;

import io.netty.util.NetUtil;
import java.nio.ByteBuffer;

/**
 * What the rate limit per address counts a client by: an IPv4 address, or the /64 network of an IPv6 one. An IPv6
 * subscriber is given a whole /64 and picks any address in it at will, so a bucket per address was a fresh bucket
 * per request for the asking. An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}) is its IPv4 address.
 */
final class ClientNetwork {

  /** The first 64 bits of an IPv6 address. */
  private record Ipv6Slash64(long prefix) {
  }

  private ClientNetwork() {
  }

  /** The bucket key of {@code address} (text, as {@code ClientAddress} gives it); anything not an IP, as it is. */
  static Object of(String address) {
    if (address.indexOf(':') < 0) {
      return address;
    }
    var bytes = NetUtil.createByteArrayFromIpAddressString(address);
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

  private static boolean isIpv4Mapped(byte[] ipv6) {
    for (int i = 0; i < 10; i++) {
      if (ipv6[i] != 0) {
        return false;
      }
    }
    return ipv6[10] == (byte) 0xff && ipv6[11] == (byte) 0xff;
  }
}
