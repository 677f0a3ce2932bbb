package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunnerSettingsTest {

  private static JobRunner.RunnerSettings withPages(String pageSize, String copyPageSize) {
    return JobRunner.RunnerSettings.from(new Settings(ConfigLoader.defaults()).with(new JsonObject()
        .put("ORGPLANE_ENGINE_PAGE_SIZE", pageSize).put("ORGPLANE_ENGINE_COPY_PAGE_SIZE", copyPageSize)));
  }

  @Test
  void pagesOrgServiceGivesAreTaken() {
    assertEquals(500, withPages("500", "5000").pageSize());
    assertEquals(5000, withPages("1", "5000").copyPageSize());
  }

  /** Each used to start, and then failed every job at its first page with 400 invalid_limit. */
  @ParameterizedTest
  @CsvSource({
      "501, 2000, 'ORGPLANE_ENGINE_PAGE_SIZE must be 1 to 500, got 501'",
      "0, 2000, 'ORGPLANE_ENGINE_PAGE_SIZE must be 1 to 500, got 0'",
      "500, 5001, 'ORGPLANE_ENGINE_COPY_PAGE_SIZE must be 1 to 5000, got 5001'",
      "500, -1, 'ORGPLANE_ENGINE_COPY_PAGE_SIZE must be 1 to 5000, got -1'",
  })
  void pagesLargerThanOrgServiceGivesStopTheStart(String pageSize, String copyPageSize, String message) {
    var refused = assertThrows(ConfigException.class, () -> withPages(pageSize, copyPageSize));
    assertEquals(message, refused.getMessage());
  }

  /** A page without a deadline could hold its job, a cancel of it and its engine's stop for ever. */
  @Test
  void aPageWithoutADeadlineStopsTheStart() {
    var refused = assertThrows(ConfigException.class, () -> JobRunner.RunnerSettings.from(
        new Settings(ConfigLoader.defaults()).with(new JsonObject().put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "0"))));
    assertEquals("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS must be 1 to 86400, got 0", refused.getMessage());
  }

  @Test
  void aPageTakesAtMostItsTimeoutAndAStopItsNoticeAndGrace() {
    var settings = JobRunner.RunnerSettings.from(new Settings(ConfigLoader.defaults()).with(new JsonObject()
        .put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "7").put("ORGPLANE_SHUTDOWN_NOTICE_MILLIS", "1500")
        .put("ORGPLANE_SHUTDOWN_GRACE_SECONDS", "3")));
    assertEquals(7000, settings.pageTimeoutMillis());
    assertEquals(5000, settings.stopMillis());
  }
}
