package dev.orgplane.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

  private static Settings settings(JsonObject values) {
    return new Settings(values.put("ORGPLANE_ORG_SERVICE_URL", "http://127.0.0.1:8081")
        .put("ORGPLANE_ENGINE_URL", "http://127.0.0.1:8082"));
  }

  @Test
  void defaultsReachServicesByTheirUrls() {
    var table = RouteTable.from(settings(new JsonObject()));

    assertEquals(List.of(URI.create("http://127.0.0.1:8082")), table.match("/v1/provisioning/jobs").orElseThrow().upstreams());
    assertEquals(List.of(URI.create("http://127.0.0.1:8081")), table.match("/v1/organizations").orElseThrow().upstreams());
    assertTrue(table.match("/elsewhere").isEmpty());
  }

  @Test
  void defaultsReachAServiceThroughItsSocketWhenItHasOne() {
    var table = RouteTable.from(settings(new JsonObject().put("ORGPLANE_ORG_SERVICE_SOCKET", "/run/orgplane/org.sock")));

    assertEquals(List.of(URI.create("unix:/run/orgplane/org.sock")), table.match("/v1/organizations").orElseThrow().upstreams());
    assertEquals(List.of(URI.create("unix:/run/orgplane/org.sock")), table.match("/.well-known/jwks.json").orElseThrow().upstreams());
    assertEquals(List.of(URI.create("http://127.0.0.1:8082")), table.match("/v1/provisioning/jobs").orElseThrow().upstreams());
  }

  @Test
  void configuredRoutesMayMixSocketsAndUrls() {
    var table = RouteTable.from(settings(new JsonObject().put("ORGPLANE_ROUTES",
        "[{\"prefix\":\"/v1/\",\"upstreams\":[\"unix:/tmp/a.sock\",\"http://10.0.0.2:8081\"]}]")));

    assertEquals(List.of(URI.create("unix:/tmp/a.sock"), URI.create("http://10.0.0.2:8081")),
        table.match("/v1/x").orElseThrow().upstreams());
  }

  /** The upstream is the address: its connections, quarantine and gauges are keyed by it. */
  @Test
  void oneAddressWrittenTwoWaysIsOneUpstream() {
    var table = RouteTable.from(settings(new JsonObject().put("ORGPLANE_ROUTES",
        "[{\"prefix\":\"/v1/a/\",\"upstreams\":[\"http://10.0.0.2:8081/\", \"unix:/tmp/a.sock\"]},"
            + "{\"prefix\":\"/v1/\",\"upstreams\":[\"http://10.0.0.2:8081\", \"unix:///tmp/a.sock\"]}]")));

    assertEquals(table.match("/v1/x").orElseThrow().upstreams(), table.match("/v1/a/x").orElseThrow().upstreams());
    assertEquals("http://10.0.0.2:8081", table.match("/v1/a/x").orElseThrow().upstreams().get(0).toString());
  }

  @Test
  void aPrefixCoversWholeSegmentsOnly() {
    var table = RouteTable.from(settings(new JsonObject().put("ORGPLANE_ROUTES",
        "[{\"prefix\":\"/v1/provisioning\",\"upstreams\":[\"http://10.0.0.3:8082\"]},"
            + "{\"prefix\":\"/v1/\",\"upstreams\":[\"http://10.0.0.2:8081\"]}]")));
    var engine = List.of(URI.create("http://10.0.0.3:8082"));
    var org = List.of(URI.create("http://10.0.0.2:8081"));

    assertEquals(engine, table.match("/v1/provisioning").orElseThrow().upstreams());
    assertEquals(engine, table.match("/v1/provisioning/jobs").orElseThrow().upstreams());
    assertEquals(org, table.match("/v1/provisioningX").orElseThrow().upstreams(), "another resource");
    assertEquals(org, table.match("/v1/provisioning-templates/1").orElseThrow().upstreams());
  }

  @Test
  void refusesUpstreamsItCannotReach() {
    for (var upstream : List.of("unix:relative.sock", "https://10.0.0.2:8443", "http://10.0.0.2", "ftp://x:1")) {
      var config = settings(new JsonObject().put("ORGPLANE_ROUTES",
          "[{\"prefix\":\"/v1/\",\"upstreams\":[\"" + upstream + "\"]}]"));
      var failure = assertThrows(ConfigException.class, () -> RouteTable.from(config), upstream);
      assertTrue(failure.getMessage().contains(upstream), failure.getMessage());
    }
  }

  /** A refused upstream is named as given but for a password its user info holds: the start's line may be logged. */
  @Test
  void aRefusedUpstreamIsNamedWithoutItsPassword() {
    for (var upstream : List.of("https://gw:s3cret@10.0.0.2:8443", "http://gw:s3cret@10.0.0.2:8081/a b")) {
      var config = settings(new JsonObject().put("ORGPLANE_ROUTES",
          "[{\"prefix\":\"/v1/\",\"upstreams\":[\"" + upstream + "\"]}]"));
      var failure = assertThrows(ConfigException.class, () -> RouteTable.from(config), upstream);
      assertTrue(failure.getMessage().contains("upstream " + upstream.replace("s3cret", "***") + " is "),
          failure.getMessage());
      assertFalse(failure.getMessage().contains("s3cret"), failure.getMessage());
    }
    var defaults = new Settings(new JsonObject().put("ORGPLANE_ORG_SERVICE_URL", "http://gw:s3cret@org service:8081")
        .put("ORGPLANE_ENGINE_URL", "http://127.0.0.1:8082"));
    var failure = assertThrows(ConfigException.class, () -> RouteTable.from(defaults));
    assertFalse(failure.getMessage().contains("s3cret"), failure.getMessage());
  }

  /** Each used to start: 0 or a negative timeout failed every request of the route, a huge one waited for ever. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "0|must be 1 to 86400000, got 0",
      "-5|must be 1 to 86400000, got -5",
      "86400001|must be 1 to 86400000, got 86400001",
      "9223372036854775807|must be 1 to 86400000, got 9223372036854775807",
      "1.5|must be a whole number, 1 to 86400000, got '1.5'",
      "true|must be a whole number, 1 to 86400000, got 'true'",
      "\"soon\"|must be a whole number, 1 to 86400000, got 'soon'",
  })
  void aTimeoutOutOfRangeStopsTheStartNamingItsRoute(String timeout, String message) {
    var config = settings(new JsonObject().put("ORGPLANE_ROUTES",
        "[{\"prefix\":\"/v1/a/\",\"upstreams\":[\"http://10.0.0.2:8081\"],\"timeoutMs\":1000},"
            + "{\"prefix\":\"/v1/\",\"upstreams\":[\"http://10.0.0.2:8081\"],\"timeoutMs\":" + timeout + "}]"));

    var refused = assertThrows(ConfigException.class, () -> RouteTable.from(config));
    assertEquals("ORGPLANE_ROUTES[1].timeoutMs " + message, refused.getMessage());
  }

  @Test
  void aTimeoutWithinRangeIsTheRoutesAndNoneIsHalfAMinute() {
    var table = RouteTable.from(settings(new JsonObject().put("ORGPLANE_ROUTES",
        "[{\"prefix\":\"/v1/a/\",\"upstreams\":[\"http://10.0.0.2:8081\"],\"timeoutMs\":86400000},"
            + "{\"prefix\":\"/v1/\",\"upstreams\":[\"http://10.0.0.2:8081\"]}]")));

    assertEquals(86_400_000L, table.match("/v1/a/x").orElseThrow().timeoutMillis());
    assertEquals(30_000L, table.match("/v1/x").orElseThrow().timeoutMillis());
  }
}
