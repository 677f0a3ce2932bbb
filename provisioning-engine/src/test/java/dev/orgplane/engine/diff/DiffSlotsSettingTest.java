package dev.orgplane.engine.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DiffSlotsSettingTest {

  @Test
  void fourDiffsAtOnceByDefault() {
    assertEquals(4, DiffSlots.limit(new Settings(ConfigLoader.defaults())));
  }

  /** No slot at all would refuse every diff 503 for as long as the engine runs: the start stops instead. */
  @Test
  void noDiffAtAllStopsTheStartNamingTheSetting() {
    var refused = assertThrows(ConfigException.class, () -> DiffSlots.limit(new Settings(ConfigLoader.defaults())
        .with(new JsonObject().put(DiffSlots.SETTING, "0"))));
    assertEquals(DiffSlots.SETTING + " must be at least 1, got 0", refused.getMessage());
  }
}
