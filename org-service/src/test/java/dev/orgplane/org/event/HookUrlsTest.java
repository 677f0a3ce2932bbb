package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

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
    assertEquals("2001:db8:0:0:0:0:0:7", HookUrls.checkedAddress("[2001:db8::7]", false).getHostAddress());
    assertEquals("127.0.0.1", HookUrls.checkedAddress("127.0.0.1", true).getHostAddress(), "where private ones are allowed");
  }

  @Test
  void writesRefuseInternalLiteralsUnlessAllowed() {
    assertNotNull(HookUrls.problem("http://192.168.1.10/x", false));
    assertNotNull(HookUrls.problem("http://[fd00::1]/x", false));
    assertNull(HookUrls.problem("http://192.168.1.10/x", true));
    assertNull(HookUrls.problem("https://hooks.example.com/x", false));
  }
}
