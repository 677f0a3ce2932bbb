package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  /** A scheme is read in any case, and a DNS name may hold an underscore or start its last label with a digit. */
  @ParameterizedTest
  @ValueSource(strings = {"HTTPS://hooks.example.com/x", "Http://hooks.example.com/x", "https://my_hook.example.com/x",
      "https://_hooks._tcp.example.com/x", "https://hooks.example.7a/x"})
  void schemesInAnyCaseAndNamesDnsTakesAreTaken(String url) {
    assertNull(HookUrls.problem(url, false), url);
  }

  /** Each thing wrong with a URL is named by itself. */
  @Test
  void whatIsWrongIsNamed() {
    assertEquals("must be an http(s) URL", HookUrls.problem("ftp://hooks.example.com/x", false));
    assertEquals("must be an http(s) URL", HookUrls.problem("hooks.example.com/x", false));
    assertEquals("must be an http(s) URL with a host", HookUrls.problem("https:///x", false));
    assertEquals("must be an http(s) URL with a host", HookUrls.problem("https:hooks", false));
    assertEquals("must be an http(s) URL with a host", HookUrls.problem("https://hooks$.example.com/x", false));
    assertEquals("must be an http(s) URL without credentials",
        HookUrls.problem("https://user:secret@hooks.example.com/x", false));
    assertEquals("must be an http(s) URL with a port from 1 to 65535",
        HookUrls.problem("https://hooks.example.com:65536/x", false));
    assertNotNull(HookUrls.problem("https://hooks.example.com:https/x", false));
  }

  /** A name with the DNS root's trailing dot is the same name: an internal one is refused with it too. */
  @ParameterizedTest
  @ValueSource(strings = {"localhost.", "foo.localhost.", "metadata.google.internal.", "printer.local.", "LocalHost."})
  void internalNamesWithTheirRootsDotAreRefusedAtWrite(String host) {
    assertNotNull(HookUrls.problem("http://" + host + "/x", false), host);
    assertNull(HookUrls.problem("http://" + host + "/x", true), host);
  }

  /**
   * The forms of an IPv4 address other than four decimal numbers, which the C resolver takes and Java does not read
   * alike, are refused at write whatever they name, private addresses allowed or not; names that end in one too.
   */
  @ParameterizedTest
  @ValueSource(strings = {"127.1", "0x7f000001", "0x7f.1", "017700000001", "2130706433", "010.0.0.1", "0x08080808",
      "8.8.8.256", "8.8.8.8.", "hooks.example.0x7f"})
  void ipv4AddressesInOtherFormsThanFourDecimalNumbersAreRefused(String host) {
    var refused = "must name its host by a DNS name, an IPv4 address of four decimal numbers or an IPv6 one in brackets";
    assertEquals(refused, HookUrls.problem("http://" + host + "/x", false), host);
    assertEquals(refused, HookUrls.problem("http://" + host + "/x", true), host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hooks.example.com.", "8.8.8.8", "203.0.113.7.example.com", "1example.com"})
  void publicNamesAndAddressesAreTaken(String host) {
    assertNull(HookUrls.problem("https://" + host + "/x", false), host);
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

  /**
   * A name whose AAAA record is IPv4-mapped ({@code ::ffff:169.254.169.254}) resolves to an {@link Inet6Address}, not
   * to the IPv4 address its literal would parse to: it is judged by the IPv4 address it carries all the same.
   */
  @Test
  void resolvedIpv6AddressesCarryingAnInternalIpv4AreInternal() throws UnknownHostException {
    assertTrue(InternalAddresses.contains(resolved(0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe)), "::ffff:169.254.169.254");
    assertTrue(InternalAddresses.contains(resolved(0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001)), "::ffff:127.0.0.1");
    assertTrue(InternalAddresses.contains(resolved(0, 0, 0, 0, 0xffff, 0, 0x0a00, 0x0001)), "::ffff:0:10.0.0.1");
    assertFalse(InternalAddresses.contains(resolved(0, 0, 0, 0, 0, 0xffff, 0x0808, 0x0808)), "::ffff:8.8.8.8");
  }

  /** An address as the resolver gives it for an AAAA answer: an {@link Inet6Address} whatever its bytes. */
  private static InetAddress resolved(int... groups) throws UnknownHostException {
    var bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[2 * i] = (byte) (groups[i] >> 8);
      bytes[2 * i + 1] = (byte) groups[i];
    }
    return Inet6Address.getByAddress("hooks.example.com", bytes, -1);
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
