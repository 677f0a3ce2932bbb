package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedSettings;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class OutOfRangeSettingsTest {

  /**
   * Each used to start an engine that misbehaved (a lease of 0 handed every job to the next claimer, no timeout on
   * org-service's calls let one hold its job for ever, a statement timeout of -1 failed every connection) or to fail
   * with a library's words naming no setting.
   */
  @Test
  void aSettingOutOfRangeStopsTheStartNamingIt(Vertx vertx) {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var refused = Map.of(
        "ORGPLANE_ENGINE_LEASE_MILLIS", "0",
        "ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "0",
        "ORGPLANE_ENGINE_POLL_MILLIS", "0",
        "ORGPLANE_ENGINE_WORKERS", "-1",
        "ORGPLANE_ENGINE_RECORD_SWEEP_MILLIS", "0",
        "ORGPLANE_ENGINE_TEMPLATE_CACHE_MILLIS", "-1",
        "ORGPLANE_BODY_LIMIT_BYTES", "-1",
        "ORGPLANE_ENGINE_PORT", "70000",
        "ORGPLANE_PG_STATEMENT_TIMEOUT_MILLIS", "-1",
        "ORGPLANE_ENGINE_CLIENT_ID", "engine");
    Function<Map.Entry<String, String>, Executable> start = setting -> () -> start(vertx, db, setting.getKey(),
        setting.getValue());
    RefusedSettings.assertEachStopsTheStart(refused, start);
    // periods past a day: no schedule anyone means
    RefusedSettings.assertEachStopsTheStart(Map.of("ORGPLANE_ENGINE_POLL_MILLIS", "86400001",
        "ORGPLANE_ENGINE_RECORD_SWEEP_MILLIS", "9223372036854775807"), start);
    // a keep-alive of 0 would fail every stream's timer; one past five minutes comes after any idle timeout met
    RefusedSettings.assertEachStopsTheStart(Map.of("ORGPLANE_SSE_KEEP_ALIVE_SECONDS", "0"), start);
    RefusedSettings.assertEachStopsTheStart(Map.of("ORGPLANE_SSE_KEEP_ALIVE_SECONDS", "301"), start);
    // no try of a job's work at all, or more than an hour's of them
    RefusedSettings.assertEachStopsTheStart(Map.of("ORGPLANE_ENGINE_RETRY_ATTEMPTS", "0"), start);
    RefusedSettings.assertEachStopsTheStart(Map.of("ORGPLANE_ENGINE_RETRY_ATTEMPTS", "1001"), start);
  }

  /** A plugins directory that is none is a mistake to fix, not "no plugins": the start stops naming it. */
  @Test
  void aPluginsDirectoryThatIsNoneStopsTheStartNamingItsPath(Vertx vertx, @TempDir Path dir) {
    var db = PgFixture.freshDatabase(EngineVerticle.MIGRATIONS);
    var missing = dir.resolve("plugins");
    var refused = assertThrows(ConfigException.class,
        () -> start(vertx, db, "ORGPLANE_PLUGINS_DIR", missing.toString()));
    assertEquals("ORGPLANE_PLUGINS_DIR " + missing.toAbsolutePath() + " is not a directory", refused.getMessage());
  }

  private static void start(Vertx vertx, PgUrl db, String key, String value) {
    vertx.deployVerticle(new EngineVerticle(new JsonObject().put("ORGPLANE_PG_URL", db.toString())
        .put("ORGPLANE_ENGINE_PORT", "0").put("ORGPLANE_ENGINE_CLIENT_SECRET", OrgServiceHarness.ENGINE_SECRET)
        .put(key, value))).await();
  }
}
