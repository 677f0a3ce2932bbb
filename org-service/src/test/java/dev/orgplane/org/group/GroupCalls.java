package dev.orgplane.org.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;

/** What the group tests have a platform admin do: make groups and appoint their admins. */
record GroupCalls(OrgServiceHarness org, String platformAdmin) {

  static final String GROUPS = "/v1/organization-groups";

  static GroupCalls of(OrgServiceHarness org) {
    return new GroupCalls(org, org.platformAdminToken());
  }

  HttpResponse<Buffer> create(String name) {
    return org.post(GROUPS, platformAdmin, new JsonObject().put("name", name));
  }

  /** A new group with a name of its own, its create key included. */
  JsonObject newGroup() {
    var created = create("Group " + UUID.randomUUID());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  void appoint(String groupId, String userId) {
    assertEquals(204, org.send(HttpMethod.PUT, GROUPS + "/" + groupId + "/admins/" + userId, platformAdmin, null)
        .statusCode());
  }
}
