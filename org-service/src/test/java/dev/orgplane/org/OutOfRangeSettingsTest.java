package dev.orgplane.org;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.RefusedSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OutOfRangeSettingsTest {

  /**
   * Each used to start a service that misbehaved (never reloaded its keys, signed tokens expired when issued) or to
   * fail with a library's words naming no setting.
   */
  @Test
  void aSettingOutOfRangeStopsTheStartNamingIt(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var refused = Map.ofEntries(
        Map.entry("ORGPLANE_SIGNING_KEY_RELOAD_MILLIS", "0"),
        // past a day: a signing key's lead, a sum of periods, overflowed with an error naming no setting
        Map.entry("ORGPLANE_GATEWAY_JWKS_MIN_REFRESH_MILLIS", "9223372036854775807"),
        Map.entry("ORGPLANE_TOKEN_TTL_SECONDS", "-60"),
        Map.entry("ORGPLANE_REFRESH_TOKEN_TTL_SECONDS", "0"),
        Map.entry("ORGPLANE_REVOCATION_RELOAD_MILLIS", "0"),
        Map.entry("ORGPLANE_REVOCATION_MAX_STALENESS_SECONDS", "9"),
        Map.entry("ORGPLANE_PG_POOL_SIZE", "0"),
        Map.entry("ORGPLANE_PG_CONNECT_RETRIES", "-1"),
        Map.entry("ORGPLANE_HOOK_POLL_MILLIS", "86400001"),
        Map.entry("ORGPLANE_HOOK_RETRY_BASE_MILLIS", "-1"),
        Map.entry("ORGPLANE_HOOK_DISABLE_AFTER_FAILURES", "-1"),
        Map.entry("ORGPLANE_HOOK_DELIVERY_RETENTION_DAYS", "0"),
        Map.entry("ORGPLANE_HOOKS_PER_ORGANIZATION", "0"),
        Map.entry("ORGPLANE_ORG_SERVICE_PORT", "70000"),
        Map.entry("ORGPLANE_PASSWORD_HASH_QUEUE", "-1"),
        Map.entry("ORGPLANE_META_SCHEMA_QUEUE", "-1"),
        Map.entry("ORGPLANE_PASSWORD_HASH_COST", "17"),
        Map.entry("ORGPLANE_ENGINE_CLIENT_ID", "engine"));
    RefusedSettings.assertEachStopsTheStart(refused, setting -> () -> OrgServiceHarness.start(vertx, db,
        new JsonObject().put(setting.getKey(), setting.getValue())));
  }
}
