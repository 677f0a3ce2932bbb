package dev.orgplane.org.membership;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who adds whom by user id, without the person's consent: a platform admin anyone, a group admin the group's people
 * and the accounts in no organization its admins made, the engine the group's people and accounts in no organization,
 * everyone else the group's people only; whoever is out of reach is refused as an id nobody has.
 */
class AddReachTest extends OrgServiceTest {

  private String platformAdmin;

  @BeforeAll
  void signInThePlatformAdmin() {
    platformAdmin = org.platformAdminToken();
  }

  /** A group of two organizations, {@code home} and {@code sibling}, its admin, and {@code home}'s owner. */
  private record Group(String id, OrgServiceHarness.Account admin, String home, String sibling,
      OrgServiceHarness.Account owner) {
  }

  private Group newGroup() {
    var created = org.post("/v1/organization-groups", platformAdmin, new JsonObject().put("name", unique("Group")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var groupId = created.bodyAsJsonObject().getString("id");
    var admin = org.newVerifiedUser("group-admin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + admin.id(),
        platformAdmin, null).statusCode());
    var home = orgInGroup(admin, groupId);
    var owner = org.newUser("owner");
    assertEquals(200, add(home, platformAdmin, owner.id(), "owner").statusCode());
    return new Group(groupId, admin, home, orgInGroup(admin, groupId), owner);
  }

  private String orgInGroup(OrgServiceHarness.Account admin, String groupId) {
    var name = unique("r");
    var created = org.post("/v1/organizations", admin.token(), new JsonObject().put("name", name).put("title", name)
        .put("groupId", groupId));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  /** A person of another group: the owner of an organization of their own. */
  private OrgServiceHarness.Account personElsewhere() {
    var person = org.newUser("elsewhere");
    org.createOrg(person.token(), unique("e"));
    return person;
  }

  /** The id of a new account in no organization, made with {@code POST /v1/users} by {@code token}'s holder. */
  private String madeBy(String token) {
    var made = org.post("/v1/users", token, new JsonObject().put("email", unique("made") + "@test.local"));
    assertEquals(201, made.statusCode(), made.bodyAsString());
    return made.bodyAsJsonObject().getString("id");
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private HttpResponse<Buffer> add(String orgId, String token, String userId, String role) {
    return org.post("/v1/organizations/" + orgId + "/users", token, new JsonObject()
        .put("userIds", new JsonArray().add(userId)).put("roles", new JsonArray().add(role)));
  }

  private HttpResponse<Buffer> importOne(String orgId, String token, String userId) {
    return org.post("/v1/organizations/" + orgId + "/users:batch", token, new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", userId).put("roles", new JsonArray().add("viewer")))));
  }

  /** The refusal with the id it names blanked out, so that refusals of different ids compare whole. */
  private static String refusalOf(HttpResponse<Buffer> response, String userId) {
    assertProblem(response, 422, "unknown_users");
    return response.bodyAsString().replace(userId, "<id>");
  }

  private static void assertAdded(HttpResponse<Buffer> response, int added) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(added, response.bodyAsJsonObject().getInteger("added"), response.bodyAsString());
  }

  /** The members of the organization, by user id. */
  private List<String> members(String orgId) {
    return org.get("/v1/organizations/" + orgId + "/users", platformAdmin).bodyAsJsonObject()
        .getJsonArray("items").stream().map(m -> ((JsonObject) m).getString("userId")).toList();
  }

  @Test
  void anOwnerOrManagerAddsThePeopleOfTheGroupAndNoOneElse() {
    var group = newGroup();
    var manager = org.newUser("manager");
    var shared = org.newUser("shared");
    for (var person : List.of(manager, shared)) {
      assertAdded(add(group.sibling(), platformAdmin, person.id(), "viewer"), 1);
    }
    assertAdded(add(group.home(), group.owner().token(), manager.id(), "manager"), 1);
    assertAdded(add(group.home(), group.owner().token(), manager.id(), "viewer"), 0);

    var nobody = UUID.randomUUID().toString();
    var refusal = refusalOf(add(group.home(), group.owner().token(), nobody, "viewer"), nobody);
    assertTrue(refusal.contains("invite"), refusal);
    var orgless = org.newUser("orgless");
    var elsewhere = personElsewhere();
    for (var caller : List.of(group.owner(), manager)) {
      for (var stranger : List.of(orgless, elsewhere)) {
        assertEquals(refusal, refusalOf(add(group.home(), caller.token(), stranger.id(), "viewer"), stranger.id()),
            "a stranger is refused as an id nobody has");
      }
    }
    var mixed = org.post("/v1/organizations/" + group.home() + "/users", manager.token(), new JsonObject()
        .put("userIds", new JsonArray().add(shared.id()).add(orgless.id())));
    assertProblem(mixed, 422, "unknown_users");
    assertEquals(List.of(orgless.id()), mixed.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("message")).toList(), "only the stranger is named");
    assertFalse(members(group.home()).contains(shared.id()), "a refused add adds no one");
    assertAdded(add(group.home(), manager.token(), shared.id(), "viewer"), 1);
    assertFalse(members(group.home()).contains(orgless.id()));
  }

  /**
   * A group admin adds by id the accounts in no organization that an admin of the group made (how such an account
   * joins its first organization), and no other: an account someone registered is a stranger's, whom an add made owner
   * of an organization they could neither leave nor delete once disabled, and whose address the member list then
   * showed. Nor one that left every organization of the group: they are invited back. Each is refused as an id nobody
   * has.
   */
  @Test
  void aGroupAdminAddsTheOrglessAccountsItsGroupMadeAndNoOtherStranger() {
    var group = newGroup();
    var fellow = org.newVerifiedUser("fellow-admin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + group.id() + "/admins/" + fellow.id(),
        platformAdmin, null).statusCode());
    var made = madeBy(fellow.token());
    var other = newGroup();
    var madeElsewhere = madeBy(other.admin().token());
    var registered = org.newVerifiedUser("registered");
    var departed = org.newUser("departed").id();
    assertAdded(add(group.sibling(), platformAdmin, departed, "viewer"), 1);
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + group.sibling() + "/users/" + departed,
        group.admin().token(), null).statusCode());

    var nobody = UUID.randomUUID().toString();
    var refusal = refusalOf(add(group.home(), group.admin().token(), nobody, "owner"), nobody);
    var importRefusal = refusalOf(importOne(group.home(), group.admin().token(), nobody), nobody);
    for (var stranger : List.of(registered.id(), madeElsewhere, departed, madeBy(platformAdmin))) {
      assertEquals(refusal, refusalOf(add(group.home(), group.admin().token(), stranger, "owner"), stranger),
          "a stranger is refused as an id nobody has");
      assertEquals(importRefusal, refusalOf(importOne(group.home(), group.admin().token(), stranger), stranger));
    }
    assertAdded(add(group.home(), group.admin().token(), made, "viewer"), 1);
    assertFalse(members(group.home()).contains(registered.id()));

    var elsewhere = personElsewhere();
    assertEquals(refusal, refusalOf(add(group.home(), group.admin().token(), elsewhere.id(), "owner"), elsewhere.id()),
        "a group admin reaches no other group's people");
  }

  @Test
  void aPlatformAdminAddsAnyPerson() {
    var group = newGroup();
    var elsewhere = personElsewhere();
    var orgless = org.newUser("orgless");
    var added = org.post("/v1/organizations/" + group.home() + "/users", platformAdmin, new JsonObject()
        .put("userIds", new JsonArray().add(elsewhere.id()).add(orgless.id())));
    assertAdded(added, 2);
    assertProblem(add(group.home(), platformAdmin, UUID.randomUUID().toString(), "viewer"), 422,
        "unknown_users");
  }

  @Test
  void aScopedTokenReachesTheGroupOnly() {
    var group = newGroup();
    var scoped = org.post("/v1/organization-groups/" + group.id() + "/organizations/" + group.home() + "/token",
        group.admin().token(), null);
    assertEquals(200, scoped.statusCode(), scoped.bodyAsString());
    var token = scoped.bodyAsJsonObject().getString("access_token");
    var shared = org.newUser("shared");
    assertAdded(add(group.sibling(), platformAdmin, shared.id(), "viewer"), 1);
    assertAdded(add(group.home(), token, shared.id(), "viewer"), 1);
    var orgless = org.newUser("orgless");
    var nobody = UUID.randomUUID().toString();
    assertEquals(refusalOf(add(group.home(), token, nobody, "viewer"), nobody),
        refusalOf(add(group.home(), token, orgless.id(), "viewer"), orgless.id()));
  }

  @Test
  void anImportReachesAsAnAddDoes() {
    var group = newGroup();
    var shared = org.newUser("shared");
    assertAdded(add(group.sibling(), platformAdmin, shared.id(), "viewer"), 1);
    var orgless = org.newUser("orgless");
    var elsewhere = personElsewhere();
    var nobody = UUID.randomUUID().toString();
    var refusal = refusalOf(importOne(group.home(), group.owner().token(), nobody), nobody);
    for (var stranger : List.of(orgless, elsewhere)) {
      assertEquals(refusal, refusalOf(importOne(group.home(), group.owner().token(), stranger.id()), stranger.id()));
    }
    assertAdded(importOne(group.home(), group.owner().token(), shared.id()), 1);
    var made = madeBy(group.admin().token());
    assertAdded(importOne(group.home(), group.admin().token(), made), 1);
  }

  /** The engine copies a template's members into copies of the template's group, and the accounts it was given. */
  @Test
  void theEngineAddsTheGroupsPeopleAndTheOrglessOnly() {
    var group = newGroup();
    var engine = org.engineToken();
    assertAdded(importOne(group.sibling(), engine, group.owner().id()), 1);
    var orgless = org.newUser("orgless");
    assertAdded(importOne(group.sibling(), engine, orgless.id()), 1);
    var elsewhere = personElsewhere();
    var nobody = UUID.randomUUID().toString();
    assertEquals(refusalOf(importOne(group.sibling(), engine, nobody), nobody),
        refusalOf(importOne(group.sibling(), engine, elsewhere.id()), elsewhere.id()));
    assertEquals(refusalOf(add(group.sibling(), engine, nobody, "viewer"), nobody),
        refusalOf(add(group.sibling(), engine, elsewhere.id(), "viewer"), elsewhere.id()));
  }
}
