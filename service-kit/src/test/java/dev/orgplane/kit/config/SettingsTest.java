package dev.orgplane.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class SettingsTest {

  /** A launcher that loaded the configuration hands its services the result with its overrides, not a second load. */
  @Test
  void loadedSettingsWithOverridesAreWhatALoadWithThemGives(Vertx vertx) {
    var commandLine = new JsonObject().put("ORGPLANE_HTTP_PORT", "9090").put("ORGPLANE_CORS_ORIGINS", "https://a.test");
    var overrides = new JsonObject().put("ORGPLANE_HTTP_PORT", "9191").put("ORGPLANE_ENGINE_URL", "http://e.test:1")
        .put("NOT_OURS", "left out");
    var loaded = new Settings(ConfigLoader.load(vertx, commandLine).await());

    var expected = ConfigLoader.load(vertx, commandLine.copy().mergeIn(overrides)).await();
    assertEquals(expected, loaded.with(overrides).asJson());
    assertEquals("9090", loaded.string("ORGPLANE_HTTP_PORT"), "the loaded settings stay as they were");
  }
}
