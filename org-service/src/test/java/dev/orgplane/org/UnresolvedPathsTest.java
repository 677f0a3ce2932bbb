package dev.orgplane.org;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A request that reaches org-service past the gateway, whose path holds a dot-segment, is refused before it is routed:
 * vertx-web routed it resolved, so {@code DELETE .../groups/..} deleted the organization, and a {@code GET} or
 * {@code PATCH} of {@code .../{kind}/..} reached the organization or the list.
 */
class UnresolvedPathsTest extends OrgServiceTest {

  @Test
  void aPathWithDotSegmentsIsRefusedBeforeItIsRouted() {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "dots-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var base = "/v1/organizations/" + orgId;
    var before = org.get(base, owner.token()).bodyAsJsonObject();
    record Sent(HttpMethod method, String path) {
    }
    for (var sent : List.of(new Sent(HttpMethod.DELETE, base + "/groups/.."),
        new Sent(HttpMethod.DELETE, base + "/workspaces/%2e%2E"), new Sent(HttpMethod.GET, base + "/groups/.."),
        new Sent(HttpMethod.PATCH, base + "/hooks/.."), new Sent(HttpMethod.GET, base + "/roles/."),
        new Sent(HttpMethod.GET, "/health/../v1/organizations"))) {
      var answer = org.send(sent.method(), sent.path(), owner.token(),
          sent.method() == HttpMethod.PATCH ? new JsonObject().put("title", "changed") : null);
      assertProblem(answer, 400, "unresolved_path");
    }
    assertEquals(before, org.get(base, owner.token()).bodyAsJsonObject(), "the organization is as it was");
  }
}
