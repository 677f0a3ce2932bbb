package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HookUrlsTest {

  @Test
  void deliveryRefusesNamesThatResolveInsideOrNotAtAll() {
    assertNull(HookUrls.checkedAddress("localhost", false));
    assertNull(HookUrls.checkedAddress("127.0.0.1", false));
    assertNull(HookUrls.checkedAddress("[::1]", false));
    assertNull(HookUrls.checkedAddress("169.254.169.254", false));
    assertNull(HookUrls.checkedAddress("no-such-host.invalid", false));
    assertNull(HookUrls.checkedAddress("no-such-host.invalid", true), "allowed or not, a name must resolve");
  }

  /** The address checked is the address connected to: the name is not looked up a second time. */
  @Test
  void deliveryConnectsToTheAddressItChecked() {
    assertEquals("93.184.215.14", HookUrls.checkedAddress("93.184.215.14", false).getHostAddress());
    assertEquals("2606:4700:4700:0:0:0:0:1111",
        HookUrls.checkedAddress("[2606:4700:4700::1111]", false).getHostAddress());
    assertEquals("127.0.0.1", HookUrls.checkedAddress("127.0.0.1", true).getHostAddress(), "where private ones are allowed");
  }

  @Test
  void writesRefuseInternalLiteralsUnlessAllowed() {
    assertNotNull(HookUrls.problem("http://192.168.1.10/x", false));
    assertNotNull(HookUrls.problem("http://[fd00::1]/x", false));
    assertNull(HookUrls.problem("http://192.168.1.10/x", true));
    assertNull(HookUrls.problem("https://hooks.example.com/x", false));
  }

  /** Blocks of the IANA special-purpose registries, at their edges, and IPv6 addresses that lead to them. */
  @ParameterizedTest
  @ValueSource(strings = {
      "0.0.0.0", "0.1.2.3", "10.255.255.255", "100.64.0.0", "100.65.0.1", "100.100.100.200", "100.127.255.255",
      "127.0.0.2", "169.254.169.254", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.0.1", "198.18.0.1",
      "198.19.255.255", "198.51.100.1", "203.0.113.1", "224.0.0.1", "240.0.0.1", "255.255.255.255",
      "[::]", "[::1]", "[::ffff:10.0.0.1]", "[::10.0.0.1]", "[::127.0.0.1]", "[64:ff9b::a9fe:a9fe]",
      "[64:ff9b::100.100.100.200]", "[64:ff9b:1::1]", "[2002:a00:1::1]", "[2002:7f00:1::]", "[2001::1]",
      "[2001:db8::7]", "[fc00::1]", "[fd12::1]", "[fe80::1]", "[fec0::1]", "[ff02::1]"})
  void internalAddressesAreRefusedAtWriteAndDelivery(String host) {
    assertNotNull(HookUrls.problem("http://" + host + "/x", false), host);
    assertNull(HookUrls.checkedAddress(host, false), host);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.32.0.1", "198.17.255.255", "198.20.0.1", "223.255.255.255",
      "[2606:4700:4700::1111]", "[64:ff9b::808:808]", "[2002:808:808::1]"})
  void publicAddressesAreAllowed(String host) {
    assertNull(HookUrls.problem("https://" + host + "/x", false), host);
    assertNotNull(HookUrls.checkedAddress(host, false), host);
  }

  @Test
  void writesRefusePortsOutsideTheRange() {
    assertNotNull(HookUrls.problem("https://hooks.example.com:70000/x", false));
    assertNotNull(HookUrls.problem("https://hooks.example.com:0/x", false));
    assertNull(HookUrls.problem("https://hooks.example.com:65535/x", false));
  }
}
