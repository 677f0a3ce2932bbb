package dev.orgplane.copy.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Fills the template organization of a {@link CopyPluginContract} with the objects a test copies. */
public final class TemplateWriter {

  private final InMemoryOrgApi api;
  private final String organization;

  TemplateWriter(InMemoryOrgApi api, String organization) {
    this.api = api;
    this.organization = organization;
  }

  /** Stores {@code object} under {@code path} (e.g. {@code "queues"}) with a new id; answers the id. */
  public String add(String path, JsonObject object) {
    var id = UUID.randomUUID().toString();
    api.objects(organization, path).put(id, object.copy().put("id", id));
    return id;
  }

  /** A member of the template with these roles; answers their user id (users are shared, ids kept). */
  public String member(String... roles) {
    var userId = UUID.randomUUID().toString();
    api.objects(organization, "users").put(userId, new JsonObject().put("userId", userId)
        .put("roles", new JsonArray(List.of(roles))));
    return userId;
  }
}
