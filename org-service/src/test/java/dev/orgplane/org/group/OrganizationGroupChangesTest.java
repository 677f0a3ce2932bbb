package dev.orgplane.org.group;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The names of organization groups. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationGroupChangesTest {

  private static final String GROUPS = "/v1/organization-groups";

  private OrgServiceHarness org;
  private String platformAdmin;

  @BeforeAll
  void start(Vertx vertx) {
    org = OrgServiceHarness.start(vertx);
    platformAdmin = org.token(OrgServiceHarness.ADMIN_EMAIL, OrgServiceHarness.ADMIN_PASSWORD);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpResponse<Buffer> create(String name) {
    return org.post(GROUPS, platformAdmin, new JsonObject().put("name", name));
  }

  private static String fieldError(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("message");
  }

  @Test
  void namesAreTrimmedAndTakenRegardlessOfCase() {
    var name = unique("Acme Tenants");
    var created = create("  " + name + "\t");
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(name, created.bodyAsJsonObject().getString("name"));
    for (var same : List.of(name, name.toUpperCase(), " " + name.toLowerCase() + " ")) {
      assertProblem(create(same), 409, "organization_group_name_taken");
    }
    var longest = "n".repeat(GroupName.MAX_LENGTH - 8) + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, create("  " + longest + "  ").statusCode(), "the limit is the trimmed name's");
  }

  @Test
  void aBlankOrOverLongNameIsRefusedByField() {
    for (var blank : List.of("", "   ", "\t\n")) {
      var refused = create(blank);
      assertProblem(refused, 400, "validation_failed");
      assertEquals("must not be blank", fieldError(refused));
    }
    var tooLong = create("x".repeat(GroupName.MAX_LENGTH + 1));
    assertProblem(tooLong, 400, "validation_failed");
    assertEquals("must be at most 256 characters", fieldError(tooLong));
  }

  /**
   * An organization made without a group gets one named after it; when a group has that name already (a platform
   * admin's, or the group of an organization renamed since), its group's id follows the name.
   */
  @Test
  void anOrganizationsOwnGroupTakesAFreeName() {
    var owner = org.newUser("founder");
    var name = unique("clash");
    assertEquals(201, create(name.toUpperCase()).statusCode());
    var clashing = org.createOrg(owner.token(), name);
    assertEquals(name + "-" + clashing.getString("groupId"), groupName(clashing.getString("groupId")));

    var renamedAway = unique("first");
    var first = org.createOrg(owner.token(), renamedAway);
    assertEquals(renamedAway, groupName(first.getString("groupId")));
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + first.getString("id"), owner.token(),
        new JsonObject().put("name", unique("moved"))).statusCode());
    var second = org.createOrg(owner.token(), renamedAway);
    assertEquals(renamedAway + "-" + second.getString("groupId"), groupName(second.getString("groupId")));
  }

  private String groupName(String groupId) {
    return org.get(GROUPS + "/" + groupId, platformAdmin).bodyAsJsonObject().getString("name");
  }
}
