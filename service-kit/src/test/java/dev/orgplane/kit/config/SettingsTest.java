package dev.orgplane.kit.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

@ExtendWith(VertxExtension.class)
class SettingsTest {

  private static final String KEY = "ORGPLANE_SOME_SETTING";

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

  @Test
  void numbersInRangeAreTaken() {
    var settings = settings("12");
    assertEquals(12, settings.integer(KEY, 1, 12));
    assertEquals(12L, settings.longValue(KEY, 12, Long.MAX_VALUE));
    assertEquals(0.5, settings("0.5").decimal(KEY, 0.001, Double.MAX_VALUE));
    assertEquals(0, settings(" 0 ").listenPort(KEY), "0: any free port");
  }

  /** Each used to start a service that then refused everything, or failed with a library's words, naming nothing. */
  @Test
  void aNumberOutOfRangeIsRefusedNamingTheSettingItsRangeAndTheValue() {
    assertRefused("ORGPLANE_SOME_SETTING must be 1 to 500, got 0", () -> settings("0").integer(KEY, 1, 500));
    assertRefused("ORGPLANE_SOME_SETTING must be 1 to 500, got 501", () -> settings("501").integer(KEY, 1, 500));
    assertRefused("ORGPLANE_SOME_SETTING must be at least 1, got -1",
        () -> settings("-1").longValue(KEY, 1, Long.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING must be at least 1, got 0",
        () -> settings("0").integer(KEY, 1, Integer.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING must be 1 to 2147483647, got 9999999999",
        () -> settings("9999999999").integer(KEY, 1, Integer.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING must be 0 to 65535, got 70000", () -> settings("70000").listenPort(KEY));
    assertRefused("ORGPLANE_SOME_SETTING must be a number, at least 0.001, got '0'",
        () -> settings("0").decimal(KEY, 0.001, Double.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING must be a number, 0.5 to 2, got 'NaN'",
        () -> settings("NaN").decimal(KEY, 0.5, 2));
  }

  @Test
  void aValueThatIsNoNumberIsRefusedNamingTheSettingAndItsRange() {
    assertRefused("ORGPLANE_SOME_SETTING must be a whole number, 1 to 500, got 'lots'",
        () -> settings("lots").integer(KEY, 1, 500));
    assertRefused("ORGPLANE_SOME_SETTING must be a whole number, at least 0, got '1.5'",
        () -> settings("1.5").longValue(KEY, 0, Long.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING must be a number, at least 0.001, got 'lots'",
        () -> settings("lots").decimal(KEY, 0.001, Double.MAX_VALUE));
    assertRefused("ORGPLANE_SOME_SETTING is not set", () -> settings(" ").integer(KEY, 1, 500));
  }

  /** A UUID read from a file keeps its line break; any other value is refused naming the setting. */
  @Test
  void aUuidIsTakenTrimmedAndAnythingElseIsRefusedNamingTheSetting() {
    assertEquals(UUID.fromString("00000000-0000-4000-8000-00000000e001"),
        settings(" 00000000-0000-4000-8000-00000000e001\n").uuid(KEY));
    assertRefused("ORGPLANE_SOME_SETTING must be a UUID, got 'engine'", () -> settings("engine").uuid(KEY));
  }

  /**
   * A value {@link UUID#fromString} reads as some other id (a sign, parts without their leading zeros) is refused: the
   * engine's client id so written was taken as another identity than the one written.
   */
  @Test
  void aUuidNotWrittenAsOneIsRefusedNamingTheSetting() {
    for (var written : List.of("1-1-1-1-1", "+0000000-0000-4000-8000-00000000e001")) {
      assertRefused("ORGPLANE_SOME_SETTING must be a UUID, got '" + written + "'", () -> settings(written).uuid(KEY));
    }
  }

  private static Settings settings(String value) {
    return new Settings(new JsonObject().put(KEY, value));
  }

  private static void assertRefused(String message, Executable read) {
    assertEquals(message, assertThrows(ConfigException.class, read).getMessage());
  }
}
