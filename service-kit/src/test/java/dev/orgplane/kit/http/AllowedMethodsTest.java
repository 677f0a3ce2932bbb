package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** The methods a path takes, read in place from the request's path: as the router matches it. */
class AllowedMethodsTest {

  @Test
  void aParameterTakesAnyTextButNone() {
    assertFalse(AllowedMethods.refuses("/v1/organizations/0190-abc", HttpMethod.GET));
    assertTrue(AllowedMethods.refuses("/v1/organizations/0190-abc", HttpMethod.POST));
    assertEquals("GET, HEAD, PUT, PATCH, DELETE", AllowedMethods.of("/v1/organizations/o/groups/g"));
    assertNull(AllowedMethods.of("/v1/organizations//groups/g"));
    assertFalse(AllowedMethods.refuses("/v1/organizations//groups/g", HttpMethod.POST));
  }

  @Test
  void aPathTakesTheMethodsOfEveryTemplateItMatches() {
    assertEquals("GET, HEAD, PATCH, DELETE", AllowedMethods.of("/v1/users/me"));
    assertEquals("GET, HEAD, DELETE", AllowedMethods.of("/v1/users/someone"));
    assertFalse(AllowedMethods.refuses("/v1/users/me", HttpMethod.PATCH));
    assertTrue(AllowedMethods.refuses("/v1/users/someone", HttpMethod.PATCH));
  }

  @Test
  void aDeepPathIsMatchedSegmentBySegment() {
    assertEquals("POST", AllowedMethods.of("/v1/organizations/o/hooks/h/deliveries/d/redeliver"));
    assertNull(AllowedMethods.of("/v1/organizations/o/hooks/h/deliveries/d/redeliver/again"));
    assertNull(AllowedMethods.of("/v1/organizations/o/hooks/h/deliveries//redeliver"));
    assertTrue(AllowedMethods.refuses("/v1/organizations/o/groups:batch", HttpMethod.GET));
    assertTrue(AllowedMethods.refuses("/v1/organizations/o", HttpMethod.OPTIONS));
  }

  @Test
  void aTrailingSlashIsTheSamePath() {
    assertEquals(AllowedMethods.of("/v1/organizations"), AllowedMethods.of("/v1/organizations/"));
    assertTrue(AllowedMethods.refuses("/metrics/", HttpMethod.POST));
    assertFalse(AllowedMethods.refuses("/metrics/", HttpMethod.GET));
  }

  @Test
  void segmentsMatchWholeAndInOrder() {
    assertNull(AllowedMethods.of("/metric"));
    assertNull(AllowedMethods.of("/metricsx"));
    assertNull(AllowedMethods.of("/v1/organizationsx/o"));
    assertNull(AllowedMethods.of("/v1/organizations/o/audit"));
    assertNull(AllowedMethods.of("/"));
    assertNull(AllowedMethods.of(""));
    assertFalse(AllowedMethods.refuses("/", HttpMethod.DELETE));
    assertFalse(AllowedMethods.refuses("/v1/organizations/o/groups/g/unknown", HttpMethod.DELETE));
  }
}
