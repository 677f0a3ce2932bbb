package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.http.ApiException;
import org.junit.jupiter.api.Test;

/** HTTP/2 hands on a Content-Length its decoder never checked: one that is no number is the caller's malformed request. */
class HopHeadersTest {

  @Test
  void aContentLengthThatIsNoNumberIsAMalformedRequest() {
    assertEquals(-1, HopHeaders.contentLength(null));
    assertEquals(12, HopHeaders.contentLength(" 12 "));
    var refused = assertThrows(ApiException.class, () -> HopHeaders.contentLength("twelve"));
    assertEquals(400, refused.status());
    assertEquals("malformed_request", refused.code());
  }
}
