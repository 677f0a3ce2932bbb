package dev.orgplane.org;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every single object a client edits answers its GET with an ETag, and its PATCH and DELETE honour If-Match: a
 * client that read an older version neither overwrites nor deletes a newer one (412 {@code precondition_failed}).
 */
class EntityTagTest extends OrgServiceTest {

  private MultiMap ifMatch(String tag) {
    return MultiMap.caseInsensitiveMultiMap().add("If-Match", tag);
  }

  private MultiMap ifNoneMatch(String tag) {
    return MultiMap.caseInsensitiveMultiMap().add("If-None-Match", tag);
  }

  /** Two clients read the object; the first changes it, the second's stale change and deletion are refused. */
  private void honoursIfMatch(String token, String path, JsonObject change, JsonObject otherChange) {
    var read = org.get(path, token);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    var tag = read.getHeader("ETag");
    assertNotNull(tag, path + " has an ETag");
    assertEquals(tag, org.get(path, token).getHeader("ETag"), "an unchanged object keeps its tag");
    var unchanged = org.send(HttpMethod.GET, path, token, null, ifNoneMatch(tag));
    assertEquals(304, unchanged.statusCode(), "a poller holding the object is told it has not changed");
    assertEquals(null, unchanged.body());

    var changed = org.send(HttpMethod.PATCH, path, token, change, ifMatch(tag));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
    var newTag = changed.getHeader("ETag");
    assertNotEquals(tag, newTag);
    assertEquals(newTag, org.get(path, token).getHeader("ETag"), "the change answers the tag a read then sees");
    assertEquals(200, org.send(HttpMethod.GET, path, token, null, ifNoneMatch(tag)).statusCode(), "changed since");

    assertProblem(org.send(HttpMethod.PATCH, path, token, otherChange, ifMatch(tag)), 412, "precondition_failed");
    assertEquals(changed.bodyAsJsonObject(), org.get(path, token).bodyAsJsonObject(), "the stale change wrote nothing");
    assertProblem(org.send(HttpMethod.DELETE, path, token, null, ifMatch(tag)), 412, "precondition_failed");
    assertEquals(204, org.send(HttpMethod.DELETE, path, token, null, ifMatch("\"other\", " + newTag)).statusCode(),
        "a list of tags naming the current one matches");
    assertEquals(404, org.get(path, token).statusCode());
  }

  private String created(String token, String path, JsonObject body) {
    var created = org.post(path, token, body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return path + "/" + created.bodyAsJsonObject().getString("id");
  }

  @Test
  void setupObjectsRolesAndTeams() {
    var owner = org.newUser("owner");
    var orgPath = "/v1/organizations/" + org.createOrg(owner.token(), "e-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var token = owner.token();
    honoursIfMatch(token, created(token, orgPath + "/workspaces", new JsonObject().put("name", "Main")),
        new JsonObject().put("name", "Renamed"), new JsonObject().put("name", "Stale"));
    honoursIfMatch(token, created(token, orgPath + "/roles", new JsonObject().put("name", "readers")
            .put("permissions", new JsonArray().add("app_organization_get"))),
        new JsonObject().put("title", "Readers"), new JsonObject().put("title", "Stale"));
    honoursIfMatch(token, created(token, orgPath + "/groups", new JsonObject().put("name", "support")),
        new JsonObject().put("title", "Support"), new JsonObject().put("title", "Stale"));
  }

  @Test
  void schemasQueuesAndHooks() {
    var owner = org.newUser("owner");
    var orgPath = "/v1/organizations/" + org.createOrg(owner.token(), "q-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var token = owner.token();
    honoursIfMatch(token, created(token, orgPath + "/schemas", new JsonObject().put("name", "Invoice")
        .put("content", new JsonObject())), new JsonObject().put("name", "Bill"), new JsonObject().put("name", "Stale"));
    var workspace = created(token, orgPath + "/workspaces", new JsonObject().put("name", "Main"));
    var schema = created(token, orgPath + "/schemas", new JsonObject().put("name", "Order").put("content", new JsonObject()));
    honoursIfMatch(token, created(token, orgPath + "/queues", new JsonObject().put("name", "Inbox")
            .put("workspaceId", workspace.substring(workspace.lastIndexOf('/') + 1))
            .put("schemaId", schema.substring(schema.lastIndexOf('/') + 1))),
        new JsonObject().put("name", "Outbox"), new JsonObject().put("name", "Stale"));
    honoursIfMatch(token, created(token, orgPath + "/hooks", new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/a").put("events", new JsonArray().add("queue.created"))), new JsonObject().put("name", "alert"),
        new JsonObject().put("name", "Stale"));
  }

  /**
   * An import's replace ({@code PUT .../{kind}/{id}}: setup objects, roles, teams) honours If-Match as a patch does: a
   * stale one wrote over the newer object (a role's or a team's, its whole member list included, until session 34).
   * With no object there, any If-Match fails and nothing is made. If-None-Match: * makes an object only where there
   * is none, and one naming the current tag replaces nothing: both replaced the object until session 35.
   */
  @Test
  void anImportReplaceHonoursIfMatchAndIfNoneMatch() {
    var owner = org.newUser("owner");
    var orgPath = "/v1/organizations/" + org.createOrg(owner.token(), "r-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var token = owner.token();
    replaceHonoursIfMatch(token, orgPath + "/workspaces/" + UUID.randomUUID(),
        name -> new JsonObject().put("name", name));
    replaceHonoursIfMatch(token, orgPath + "/roles/" + UUID.randomUUID(), name -> new JsonObject().put("name", name)
        .put("permissions", new JsonArray().add("app_organization_get")));
    replaceHonoursIfMatch(token, orgPath + "/groups/" + UUID.randomUUID(), name -> new JsonObject().put("name", name)
        .put("userIds", new JsonArray()));
  }

  /**
   * The object at {@code path}, made and replaced by PUTs of {@code named} bodies, only as If-Match and If-None-Match
   * allow.
   */
  private void replaceHonoursIfMatch(String token, String path, Function<String, JsonObject> named) {
    assertProblem(org.send(HttpMethod.PUT, path, token, named.apply("main"), ifMatch("*")), 412,
        "precondition_failed");
    assertEquals(404, org.get(path, token).statusCode(), "nothing was made at " + path);
    var created = org.send(HttpMethod.PUT, path, token, named.apply("main"), ifNoneMatch("*"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var tag = org.get(path, token).getHeader("ETag");
    assertProblem(org.send(HttpMethod.PUT, path, token, named.apply("again"), ifNoneMatch("*")), 412,
        "precondition_failed");
    assertProblem(org.send(HttpMethod.PUT, path, token, named.apply("again"), ifNoneMatch("W/" + tag)), 412,
        "precondition_failed");
    assertEquals("main", org.get(path, token).bodyAsJsonObject().getString("name"),
        "If-None-Match replaced nothing at " + path);

    var replaced = org.send(HttpMethod.PUT, path, token, named.apply("renamed"), ifMatch(tag));
    assertEquals(200, replaced.statusCode(), replaced.bodyAsString());
    assertProblem(org.send(HttpMethod.PUT, path, token, named.apply("stale"), ifMatch(tag)), 412,
        "precondition_failed");
    assertEquals("renamed", org.get(path, token).bodyAsJsonObject().getString("name"),
        "the stale replace wrote nothing at " + path);
    assertEquals(200, org.send(HttpMethod.PUT, path, token, named.apply("any"), ifMatch("*")).statusCode(),
        "* names the object there is");
    assertEquals(200, org.send(HttpMethod.PUT, path, token, named.apply("other"), ifNoneMatch(tag)).statusCode(),
        "an If-None-Match naming another version than the current one replaces it");
  }

  /**
   * Several lines of If-Match or If-None-Match are one list of tags (RFC 9110, 5.3): the current tag on a second line
   * matches. Only the first line was read, so a change naming the current tag there was 412 and a poll was sent the
   * whole object.
   */
  @Test
  void aTagOnALaterHeaderLineCounts() {
    var owner = org.newUser("owner");
    var orgPath = "/v1/organizations/" + org.createOrg(owner.token(), "l-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var path = created(owner.token(), orgPath + "/workspaces", new JsonObject().put("name", "Main"));
    var tag = org.get(path, owner.token()).getHeader("ETag");
    var polled = org.send(HttpMethod.GET, path, owner.token(), null,
        ifNoneMatch("\"stale\"").add("If-None-Match", tag));
    assertEquals(304, polled.statusCode(), "the current tag on the second line is unchanged");
    var changed = org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("name", "Renamed"),
        ifMatch("\"stale\"").add("If-Match", tag));
    assertEquals(200, changed.statusCode(), changed.bodyAsString());
  }

  @Test
  void anOrganizationUnchangedSinceItWasReadIsA304() {
    var owner = org.newUser("owner");
    var path = "/v1/organizations/" + org.createOrg(owner.token(), "c-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var tag = org.get(path, owner.token()).getHeader("ETag");
    assertEquals(304, org.send(HttpMethod.GET, path, owner.token(), null, ifNoneMatch(tag)).statusCode());
    assertEquals(304, org.send(HttpMethod.GET, path, owner.token(), null, ifNoneMatch("W/" + tag)).statusCode(),
        "as a compressing proxy weakened it");
    assertProblem(org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("title", "New"),
        MultiMap.caseInsensitiveMultiMap().add("If-Match", "W/" + tag)), 412, "precondition_failed");
    assertEquals(200, org.send(HttpMethod.PATCH, path, owner.token(), new JsonObject().put("title", "New"))
        .statusCode());
    assertEquals(200, org.send(HttpMethod.GET, path, owner.token(), null, ifNoneMatch(tag)).statusCode());
  }

  @Test
  void serviceUsersAreDeletedOnlyAsRead() {
    var owner = org.newUser("owner");
    var orgPath = "/v1/organizations/" + org.createOrg(owner.token(), "s-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var path = created(owner.token(), orgPath + "/service-users",
        new JsonObject().put("name", "bot").put("roles", new JsonArray().add("viewer")));
    var read = org.get(path, owner.token());
    assertNotNull(read.getHeader("ETag"));
    assertProblem(org.send(HttpMethod.DELETE, path, owner.token(), null, ifMatch("\"stale\"")), 412,
        "precondition_failed");
    assertEquals(204, org.send(HttpMethod.DELETE, path, owner.token(), null, ifMatch(read.getHeader("ETag")))
        .statusCode());
  }

  /** Deleting only what was read, where deleting is all there is: an invitation, a team's member. */
  private void deletedOnlyAsRead(String token, String path) {
    var read = org.get(path, token);
    assertEquals(200, read.statusCode(), read.bodyAsString());
    assertProblem(org.send(HttpMethod.DELETE, path, token, null, ifMatch("\"stale\"")), 412, "precondition_failed");
    assertEquals(204, org.send(HttpMethod.DELETE, path, token, null, ifMatch(read.getHeader("ETag"))).statusCode());
  }

  @Test
  void invitationsTeamMembersAccountsGroupsAndMetaSchemasHaveTags() {
    var owner = org.newVerifiedUser("owner");
    var member = org.newUser("member");
    var orgId = org.createOrg(owner.token(), "i-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var orgPath = "/v1/organizations/" + orgId;
    var token = owner.token();
    var invitation = created(token, orgPath + "/invitations", new JsonObject()
        .put("email", "someone-" + UUID.randomUUID() + "@test.local").put("roles", new JsonArray().add("viewer")));
    assertProblem(org.send(HttpMethod.DELETE, invitation, org.newUser("stranger").token(), null, ifMatch("\"stale\"")),
        404, "invitation_not_found");
    deletedOnlyAsRead(token, invitation);
    org.addMembers(orgId, List.of(member.id()), "viewer");
    var team = created(token, orgPath + "/groups", new JsonObject().put("name", "support"));
    org.post(team + "/users", token, new JsonObject().put("userIds", new JsonArray().add(member.id())));
    deletedOnlyAsRead(token, team + "/users/" + member.id());

    var me = org.get("/v1/users/me", member.token());
    assertProblem(org.send(HttpMethod.PATCH, "/v1/users/me", member.token(), new JsonObject().put("name", "Stale"),
        ifMatch("\"stale\"")), 412, "precondition_failed");
    var renamed = org.send(HttpMethod.PATCH, "/v1/users/me", member.token(), new JsonObject().put("name", "New"),
        ifMatch(me.getHeader("ETag")));
    assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    assertEquals(renamed.getHeader("ETag"), org.get("/v1/users/me", member.token()).getHeader("ETag"));

    var admin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", admin, new JsonObject().put("name", "tagged " + UUID.randomUUID()))
        .bodyAsJsonObject().getString("id");
    var groupTag = org.get("/v1/organization-groups/" + group, admin).getHeader("ETag");
    assertEquals(304, org.send(HttpMethod.GET, "/v1/organization-groups/" + group, admin, null, ifNoneMatch(groupTag))
        .statusCode());
    assertNotNull(org.get("/v1/meta-schemas/organization", admin).getHeader("ETag"));
  }
}
