package dev.orgplane.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * org-service answers as the OpenAPI document says, for the successful calls of each kind of object in one
 * organization: bodies valid against the documented schemas (no field the document does not name), and {@code ETag}
 * and {@code Location} where documented. Clients generated from the document read these answers.
 */
class DocumentedResponsesTest extends OrgServiceTest {

  private static final String ORG = "/v1/organizations/{org}";

  private final DocumentedResponses documented = new DocumentedResponses();
  private OrgServiceHarness.Account owner;
  private OrgServiceHarness.Account member;
  private String base;

  @BeforeAll
  void createOrganization() {
    owner = org.newVerifiedUser("documented-owner");
    member = org.newVerifiedUser("documented-member");
    var created = call(HttpMethod.POST, "/v1/organizations", "/v1/organizations", owner.token(),
        new JsonObject().put("name", "documented").put("title", "Documented"));
    base = "/v1/organizations/" + created.getString("id");
  }

  /** Sends the call as {@code owner}, asserts a 2xx answer the document describes, and answers its body. */
  private JsonObject call(HttpMethod method, String template, String path, Object body) {
    return call(method, template, path, owner.token(), body);
  }

  private JsonObject call(HttpMethod method, String template, String path, String token, Object body) {
    var response = org.send(method, path, token, body);
    assertTrue(response.statusCode() / 100 == 2, method + " " + path + ": " + response.statusCode() + " "
        + response.bodyAsString());
    documented.assertDocumented(method.name() + " " + template, response);
    return response.body() == null || response.body().length() == 0 ? null : response.bodyAsJsonObject();
  }

  private JsonObject get(String template, String path) {
    return call(HttpMethod.GET, template, path, null);
  }

  @Test
  void organizationAnswersAsDocumented() {
    get(ORG, base);
    call(HttpMethod.PATCH, ORG, base, new JsonObject().put("description", "Answers as documented"));
    get("/v1/organizations", "/v1/organizations");
    call(HttpMethod.POST, "/v1/organizations:lookup", "/v1/organizations:lookup",
        new JsonObject().put("organizations", new JsonArray().add("documented").add("no-such-organization")));
    get(ORG + "/permissions/me", base + "/permissions/me");
    get("/v1/users/me/organizations", "/v1/users/me/organizations");
  }

  @Test
  void membersAnswerAsDocumented() {
    call(HttpMethod.POST, ORG + "/users", base + "/users", org.platformAdminToken(),
        new JsonObject().put("userIds", new JsonArray().add(member.id())).put("roles", new JsonArray().add("viewer")));
    get(ORG + "/users", base + "/users");
    get(ORG + "/users/{uid}", base + "/users/" + member.id());
    call(HttpMethod.PUT, ORG + "/users/{uid}/roles", base + "/users/" + member.id() + "/roles",
        new JsonObject().put("roles", new JsonArray().add("manager")));
    get("/v1/users/{uid}", "/v1/users/" + member.id());
  }

  @Test
  void rolesAnswerAsDocumented() {
    var role = call(HttpMethod.POST, ORG + "/roles", base + "/roles", new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_organization_get")));
    var path = base + "/roles/" + role.getString("id");
    get(ORG + "/roles/{rid}", path);
    call(HttpMethod.PATCH, ORG + "/roles/{rid}", path, new JsonObject().put("title", "Auditor"));
    get(ORG + "/roles", base + "/roles");
    get("/v1/roles", "/v1/roles");
  }

  @Test
  void teamsAnswerAsDocumented() {
    var team = call(HttpMethod.POST, ORG + "/groups", base + "/groups", new JsonObject().put("name", "team"));
    var path = base + "/groups/" + team.getString("id");
    call(HttpMethod.POST, ORG + "/groups/{gid}/users", path + "/users",
        new JsonObject().put("userIds", new JsonArray().add(owner.id())));
    get(ORG + "/groups/{gid}", path);
    call(HttpMethod.PATCH, ORG + "/groups/{gid}", path, new JsonObject().put("title", "Team"));
    get(ORG + "/groups", base + "/groups?include=userIds");
    get(ORG + "/groups/{gid}/users", path + "/users");
    get(ORG + "/groups/{gid}/users/{uid}", path + "/users/" + owner.id());
  }

  @Test
  void invitationsAnswerAsDocumented() {
    var invitation = call(HttpMethod.POST, ORG + "/invitations", base + "/invitations",
        new JsonObject().put("email", "invited@test.local").put("roles", new JsonArray().add("viewer")));
    get(ORG + "/invitations/{iid}", base + "/invitations/" + invitation.getString("id"));
    get(ORG + "/invitations", base + "/invitations");
  }

  @Test
  void setupObjectsAnswerAsDocumented() {
    var workspace = call(HttpMethod.POST, ORG + "/workspaces", base + "/workspaces",
        new JsonObject().put("name", "ws"));
    var schema = call(HttpMethod.POST, ORG + "/schemas", base + "/schemas",
        new JsonObject().put("name", "schema").put("content", new JsonObject()));
    var queue = call(HttpMethod.POST, ORG + "/queues", base + "/queues", new JsonObject().put("name", "queue")
        .put("workspaceId", workspace.getString("id")).put("schemaId", schema.getString("id")));
    var hook = call(HttpMethod.POST, ORG + "/hooks", base + "/hooks", new JsonObject().put("name", "hook")
        .put("url", "https://hooks.example.com/documented").put("events", new JsonArray().add("queue.created"))
        .put("queueIds", new JsonArray().add(queue.getString("id"))));
    call(HttpMethod.PATCH, ORG + "/workspaces/{id}", base + "/workspaces/" + workspace.getString("id"),
        new JsonObject().put("name", "workspace"));
    call(HttpMethod.PATCH, ORG + "/hooks/{id}", base + "/hooks/" + hook.getString("id"),
        new JsonObject().put("active", false));
    for (var kind : new String[] {"workspaces", "schemas", "queues", "hooks"}) {
      get(ORG + "/" + kind, base + "/" + kind);
    }
    get(ORG + "/workspaces/{id}", base + "/workspaces/" + workspace.getString("id"));
    get(ORG + "/schemas/{id}", base + "/schemas/" + schema.getString("id"));
    get(ORG + "/queues/{id}", base + "/queues/" + queue.getString("id"));
    get(ORG + "/hooks/{id}", base + "/hooks/" + hook.getString("id"));
    call(HttpMethod.POST, ORG + "/objects:lookup", base + "/objects:lookup",
        new JsonObject().put("ids", new JsonArray().add(queue.getString("id"))));
  }

  @Test
  void serviceUsersAnswerAsDocumented() {
    var serviceUser = call(HttpMethod.POST, ORG + "/service-users", base + "/service-users",
        new JsonObject().put("name", "robot").put("roles", new JsonArray().add("viewer")));
    get(ORG + "/service-users/{sid}", base + "/service-users/" + serviceUser.getString("id"));
    get(ORG + "/service-users", base + "/service-users");
    // a service user is a member without an address: its email is null where members are answered
    var asMember = base + "/users/" + serviceUser.getString("id");
    get(ORG + "/users/{uid}", asMember);
    call(HttpMethod.PUT, ORG + "/users/{uid}/roles", asMember + "/roles",
        new JsonObject().put("roles", new JsonArray().add("member")));
  }

  @Test
  void auditEventsAnswerAsDocumented() {
    get(ORG + "/audit-events", base + "/audit-events");
  }

  @Test
  void organizationGroupsAnswerAsDocumented() {
    var admin = org.platformAdminToken();
    var group = call(HttpMethod.POST, "/v1/organization-groups", "/v1/organization-groups", admin,
        new JsonObject().put("name", "documented-group"));
    var path = "/v1/organization-groups/" + group.getString("id");
    call(HttpMethod.PATCH, "/v1/organization-groups/{gid}", path, admin,
        new JsonObject().put("name", "documented-renamed"));
    call(HttpMethod.GET, "/v1/organization-groups/{gid}", path, admin, null);
    call(HttpMethod.GET, "/v1/organization-groups", "/v1/organization-groups", admin, null);
    call(HttpMethod.GET, "/v1/organization-groups/{gid}/organizations", path + "/organizations", admin, null);
  }

  @Test
  void revokedTokensAnswerAsDocumented() {
    call(HttpMethod.GET, "/v1/token-revocations", "/v1/token-revocations", org.engineToken(), null);
  }

  /** The check itself: a field renamed in code, optional or required, no longer matches the document. */
  @Test
  void aRenamedFieldIsUndocumented() {
    var organization = org.get(base, owner.token());
    var operation = "GET " + ORG;
    assertEquals(List.of(), documented.bodyProblems(operation, "200", organization.bodyAsString()));
    var required = organization.bodyAsJsonObject();
    required.put("label", required.remove("title"));
    assertTrue(!documented.bodyProblems(operation, "200", required.encode()).isEmpty(), required.encode());
    var optional = organization.bodyAsJsonObject();
    optional.put("about", optional.remove("description"));
    assertTrue(!documented.bodyProblems(operation, "200", optional.encode()).isEmpty(), optional.encode());
  }
}
