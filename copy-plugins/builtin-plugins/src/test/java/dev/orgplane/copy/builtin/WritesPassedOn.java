package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** An org API for tests that watch a plugin's reads: it passes every write on to {@link #api} unchanged. */
interface WritesPassedOn extends OrgApi {

  OrgApi api();

  @Override
  default Future<Counts> importBatch(String organization, String path, List<JsonObject> items, Existing existing) {
    return api().importBatch(organization, path, items, existing);
  }

  @Override
  default Future<Counts> put(String organization, String path, String id, JsonObject body) {
    return api().put(organization, path, id, body);
  }

  @Override
  default Future<JsonObject> post(String organization, String path, JsonObject body) {
    return api().post(organization, path, body);
  }
}
