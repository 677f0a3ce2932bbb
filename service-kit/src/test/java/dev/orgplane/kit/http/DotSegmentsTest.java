package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotSegmentsTest {

  @ParameterizedTest
  @CsvSource({
      "/v1/organizations, false",
      "/v1/organizations/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b, false",
      "/.well-known/jwks.json, false",
      "/v1/files/report.v2.json, false",
      "/v1/x/.../y, false",
      "/v1/x/.hidden, false",
      "/v1/x/%41%2F, false",
      "/v1/x/%2e%2e%2e, false",
      "/v1/x/..., false",
      "/, false",
      "'', false",
      "/v1/../metrics, true",
      "/v1/./organizations, true",
      "/v1/organizations/., true",
      "/v1/organizations/.., true",
      "/v1/%2e%2e/metrics, true",
      "/v1/%2E./metrics, true",
      "/v1/.%2e/metrics, true",
      "/v1/x/%2e, true",
      "/.., true",
  })
  void dotSegmentsAreFoundPlainOrPercentEncoded(String path, boolean found) {
    assertEquals(found, DotSegments.in(path), path);
  }
}
