package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunnerSettingsTest {

  private static JobRunner.RunnerSettings withPages(int pageSize, int copyPageSize) {
    return new JobRunner.RunnerSettings(4, 30_000, 1_000, pageSize, copyPageSize, 60_000, 10_000);
  }

  @Test
  void pagesOrgServiceGivesAreTaken() {
    assertEquals(500, withPages(500, 5000).pageSize());
    assertEquals(5000, withPages(1, 5000).copyPageSize());
  }

  /** Each used to start, and then failed every job at its first page with 400 invalid_limit. */
  @ParameterizedTest
  @CsvSource({
      "501, 2000, ORGPLANE_ENGINE_PAGE_SIZE must be 1 to 500",
      "0, 2000, ORGPLANE_ENGINE_PAGE_SIZE must be 1 to 500",
      "500, 5001, ORGPLANE_ENGINE_COPY_PAGE_SIZE must be 1 to 5000",
      "500, -1, ORGPLANE_ENGINE_COPY_PAGE_SIZE must be 1 to 5000",
  })
  void pagesLargerThanOrgServiceGivesStopTheStart(int pageSize, int copyPageSize, String message) {
    var refused = assertThrows(ConfigException.class, () -> withPages(pageSize, copyPageSize));
    assertEquals(message, refused.getMessage().substring(0, message.length()), refused.getMessage());
  }
}
