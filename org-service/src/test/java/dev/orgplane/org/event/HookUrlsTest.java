package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HookUrlsTest {

  @Test
  void deliveryRefusesNamesThatResolveInsideOrNotAtAll() {
    assertTrue(HookUrls.resolvesInternal("localhost"));
    assertTrue(HookUrls.resolvesInternal("127.0.0.1"));
    assertTrue(HookUrls.resolvesInternal("no-such-host.invalid"));
    assertFalse(HookUrls.resolvesInternal("93.184.215.14"));
  }

  @Test
  void writesRefuseInternalLiteralsUnlessAllowed() {
    assertNotNull(HookUrls.problem("http://192.168.1.10/x", false));
    assertNotNull(HookUrls.problem("http://[fd00::1]/x", false));
    assertNull(HookUrls.problem("http://192.168.1.10/x", true));
    assertNull(HookUrls.problem("https://hooks.example.com/x", false));
  }
}
