package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hosts take one another's port: the same address by any name, and a wildcard with every address. */
class ListenAddressTest {

  @Test
  void oneAddressByTwoNamesOrAWildcardOverlaps() {
    for (var pair : List.of(List.of("127.0.0.1", "127.0.0.1"), List.of("localhost", "127.0.0.1"),
        List.of("0.0.0.0", "127.0.0.1"), List.of("::", "127.0.0.1"), List.of("[::1]", "::1"),
        List.of("db.invalid", "DB.invalid"))) {
      assertTrue(ListenAddress.hostsOverlap(pair.get(0), pair.get(1)), pair.toString());
      assertTrue(ListenAddress.hostsOverlap(pair.get(1), pair.get(0)), pair.toString());
    }
  }

  /**
   * The IPv4 wildcard takes the port of an IPv6 address too: the JVM binds it as {@code ::} on its dual-stack sockets
   * (NIO and epoll alike), so a server on {@code ::1} finds the port taken, though sockets of each family apart bind.
   */
  @Test
  void theIpv4WildcardTakesThePortOfAnIpv6Address() throws IOException {
    try (var wildcard = new ServerSocket()) {
      wildcard.bind(new InetSocketAddress("0.0.0.0", 0));
      try (var loopback = new ServerSocket()) {
        assertThrows(BindException.class, () -> loopback.bind(new InetSocketAddress("::1", wildcard.getLocalPort())));
      }
    }
    assertTrue(ListenAddress.hostsOverlap("0.0.0.0", "::1"));
  }

  @Test
  void twoAddressesDoNotOverlap() {
    for (var pair : List.of(List.of("127.0.0.1", "127.0.0.2"), List.of("127.0.0.1", "::1"),
        List.of("a.invalid", "b.invalid"))) {
      assertFalse(ListenAddress.hostsOverlap(pair.get(0), pair.get(1)), pair.toString());
    }
  }

  @Test
  void portZeroOverlapsNone() {
    assertDoesNotThrow(() -> ListenAddress.requireApart(List.of(new ListenAddress("H", "127.0.0.1", "A", 0),
        new ListenAddress("H", "127.0.0.1", "B", 0))));
    assertThrows(ConfigException.class, () -> ListenAddress.requireApart(List.of(
        new ListenAddress("H", "127.0.0.1", "A", 9), new ListenAddress("H", "127.0.0.1", "B", 1),
        new ListenAddress("H", "0.0.0.0", "C", 9))));
  }
}
