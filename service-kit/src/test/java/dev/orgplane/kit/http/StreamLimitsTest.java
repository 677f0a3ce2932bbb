package dev.orgplane.kit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stream limits as a service reads them from its settings, at its start. */
class StreamLimitsTest {

  private static final String PER_CALLER = "ORGPLANE_ENGINE_STREAMS_PER_CALLER";
  private static final String LIFETIME = "ORGPLANE_ENGINE_STREAM_LIFETIME_SECONDS";

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private StreamLimits configured(Settings settings) {
    return StreamLimits.configured(vertx, settings, PER_CALLER, LIFETIME);
  }

  private static Settings settings(String perCaller, String lifetimeSeconds) {
    return new Settings(new JsonObject().put(PER_CALLER, perCaller).put(LIFETIME, lifetimeSeconds));
  }

  @Test
  void theShippedDefaultsAreTwentyStreamsPerCallerOpenAnHour() {
    var limits = configured(new Settings(ConfigLoader.defaults()));
    for (int i = 0; i < 20; i++) {
      assertTrue(limits.open("someone"), "stream " + i);
    }
    assertFalse(limits.open("someone"));
    assertEquals(Duration.ofHours(1), limits.lifetime());
  }

  @Test
  void configuredLimitsAreTheOnesStreamsMeet() {
    var limits = configured(settings("2", "86400"));
    assertTrue(limits.open("someone"));
    assertTrue(limits.open("someone"));
    assertFalse(limits.open("someone"));
    assertTrue(limits.open("someone else"));
    limits.close("someone");
    assertTrue(limits.open("someone"));
    assertEquals(Duration.ofDays(1), limits.lifetime());
  }

  /** Each would have refused every stream, closed it at once, or failed it overflowing its deadline. */
  @Test
  void limitsThatCannotBeUsedStopTheStart() {
    for (var perCaller : List.of("0", "-1")) {
      var failure = assertThrows(ConfigException.class, () -> configured(settings(perCaller, "3600")));
      assertEquals(PER_CALLER + " must be at least 1, got " + perCaller, failure.getMessage());
    }
    for (var lifetime : List.of("0", "-3600", "86401", "9223372036854775807")) {
      var failure = assertThrows(ConfigException.class, () -> configured(settings("20", lifetime)));
      assertEquals(LIFETIME + " must be 1 to 86400, got " + lifetime, failure.getMessage());
    }
    for (var malformed : List.of(settings("many", "3600"), settings("20", "an hour"))) {
      var failure = assertThrows(ConfigException.class, () -> configured(malformed));
      assertTrue(failure.getMessage().contains("must be a whole number"), failure.getMessage());
    }
  }
}
