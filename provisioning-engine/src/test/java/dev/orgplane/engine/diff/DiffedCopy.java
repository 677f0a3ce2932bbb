package dev.orgplane.engine.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** An organization in a watched template's group, and diffs of the template against it. */
record DiffedCopy(WatchedTemplate watched, String id) {

  /** A new organization named {@code name} and a unique suffix, beside the template. */
  static DiffedCopy made(WatchedTemplate watched, String name) {
    var created = watched.engine().org.post("/v1/organizations", watched.token(), new JsonObject()
        .put("name", name + "-" + WatchedTemplate.unique()).put("title", name)
        .put("groupId", watched.template().groupId()));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return new DiffedCopy(watched, created.bodyAsJsonObject().getString("id"));
  }

  HttpResponse<Buffer> diff() {
    return watched.engine().get("/v1/provisioning/diff?source=" + watched.template().templateId() + "&target=" + id,
        watched.token());
  }
}
