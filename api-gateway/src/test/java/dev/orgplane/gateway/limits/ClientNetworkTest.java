package dev.orgplane.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ClientNetworkTest {

  @Test
  void anIpv4AddressCountsAsItselfAnIpv6OneByItsSlash64() {
    assertEquals(ClientNetwork.of("2001:db8:1:2::1"), ClientNetwork.of("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    assertNotEquals(ClientNetwork.of("2001:db8:1:2::1"), ClientNetwork.of("2001:db8:1:3::1"));
    assertEquals("192.0.2.1", ClientNetwork.of("::ffff:192.0.2.1"));
    assertEquals("192.0.2.1", ClientNetwork.of("192.0.2.1"));
    assertEquals("unknown", ClientNetwork.of("unknown"));
  }

  @Test
  void anIpv6AddressHasTheNetworkOfItsSitesPrefixForASiteOtherAddressesNone() {
    assertEquals(ClientNetwork.siteOf("2001:db8:1::1", 48),
        ClientNetwork.siteOf("2001:db8:1:ffff:ffff:ffff:ffff:ffff", 48));
    assertNotEquals(ClientNetwork.siteOf("2001:db8:1::1", 48), ClientNetwork.siteOf("2001:db8:2::1", 48));
    assertEquals(ClientNetwork.siteOf("2001:db8:1:100::1", 56), ClientNetwork.siteOf("2001:db8:1:1ff::1", 56));
    assertNotEquals(ClientNetwork.siteOf("2001:db8:1:100::1", 56), ClientNetwork.siteOf("2001:db8:1:200::1", 56));
    assertEquals(ClientNetwork.siteOf("2001:db8:1:2::1", 63), ClientNetwork.siteOf("2001:db8:1:3::1", 63));
    assertNotEquals(ClientNetwork.siteOf("2001:db8:1:2::1", 63), ClientNetwork.siteOf("2001:db8:1:4::1", 63));
    assertNotEquals(ClientNetwork.of("2001:db8:1::1"), ClientNetwork.siteOf("2001:db8:1::1", 48));
    assertNull(ClientNetwork.siteOf("::ffff:192.0.2.1", 56));
    assertNull(ClientNetwork.siteOf("192.0.2.1", 56));
    assertNull(ClientNetwork.siteOf("unknown", 56));
  }
}
