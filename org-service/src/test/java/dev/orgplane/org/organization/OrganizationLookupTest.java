package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/organizations:lookup}: many organizations read at once, each exactly as
 * {@code GET /v1/organizations/{org}} would read it for the caller; what that read answers 404 or 403 for is missing.
 */
class OrganizationLookupTest extends OrgServiceTest {

  private static final String PATH = "/v1/organizations:lookup";

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonObject lookUp(String token, String... refs) {
    var response = org.post(PATH, token, new JsonObject().put("organizations", new JsonArray(List.of(refs))));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> ids(JsonObject answer) {
    return answer.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void answersTheReadableOnesByIdOrNameOnceEachInTheOrderAskedAndNamesTheRest() {
    var alice = org.newUser("alice");
    var mallory = org.newUser("mallory");
    var first = org.createOrg(alice.token(), unique("first"));
    var second = org.createOrg(alice.token(), unique("second"));
    var others = org.createOrg(mallory.token(), unique("others")).getString("id");
    var nobodys = UUID.randomUUID().toString();

    var answer = lookUp(alice.token(), second.getString("name"), others, first.getString("id").toUpperCase(Locale.ROOT),
        nobodys, "no-such-name", second.getString("id"));
    assertEquals(List.of(second.getString("id"), first.getString("id")), ids(answer));
    assertEquals(org.get("/v1/organizations/" + second.getString("id"), alice.token()).bodyAsJsonObject(),
        answer.getJsonArray("items").getJsonObject(0), "each as the single read shows it");
    assertEquals(new JsonArray().add(others).add(nobodys).add("no-such-name"), answer.getJsonArray("missing"),
        "another tenant's organization is missing as one that does not exist is");
  }

  @Test
  void aMemberWithoutTheReadPermissionDoesNotFindTheOrganizationAndOneOfADisabledOrganizationDoes() {
    var alice = org.newUser("alice");
    var auditor = org.newUser("auditor");
    var bob = org.newUser("bob");
    var audited = org.createOrg(alice.token(), unique("audited")).getString("id");
    assertEquals(201, org.post("/v1/organizations/" + audited + "/roles", alice.token(), new JsonObject()
        .put("name", "auditor").put("permissions", new JsonArray().add("app_audit_list"))).statusCode());
    org.addMembers(audited, List.of(auditor.id()), "auditor");
    var disabled = org.createOrg(alice.token(), unique("disabled")).getString("id");
    org.addMembers(disabled, List.of(bob.id()), "member");
    assertEquals(200, org.post("/v1/organizations/" + disabled + "/disable", alice.token(), null).statusCode());

    assertEquals(new JsonArray().add(audited), lookUp(auditor.token(), audited).getJsonArray("missing"));
    var answer = lookUp(bob.token(), disabled);
    assertEquals(List.of(disabled), ids(answer), "members read a disabled organization, to see why: " + answer);
    assertEquals("disabled", answer.getJsonArray("items").getJsonObject(0).getString("state"));
  }

  @Test
  void groupAdminsPlatformAdminsTheEngineAndScopedTokensFindWhatTheyMayRead() {
    var platformAdmin = org.platformAdminToken();
    var group = org.post("/v1/organization-groups", platformAdmin, new JsonObject().put("name", unique("group")))
        .bodyAsJsonObject().getString("id");
    var groupAdmin = org.newVerifiedUser("groupadmin");
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + group + "/admins/" + groupAdmin.id(),
        platformAdmin, null).statusCode());
    var inGroup = org.post("/v1/organizations", groupAdmin.token(), new JsonObject().put("name", unique("grouped"))
        .put("title", "grouped").put("groupId", group)).bodyAsJsonObject().getString("id");
    var bot = org.newServiceUser("bot");
    var outside = org.createOrg(org.newUser("carol").token(), unique("outside")).getString("id");

    assertEquals(List.of(inGroup), ids(lookUp(groupAdmin.token(), inGroup, outside, bot.orgId())));
    assertEquals(List.of(inGroup, outside, bot.orgId()), ids(lookUp(platformAdmin, inGroup, outside, bot.orgId())));
    assertEquals(List.of(inGroup, outside, bot.orgId()),
        ids(lookUp(org.engineToken(), inGroup, outside, bot.orgId())));
    assertEquals(List.of(bot.orgId()), ids(lookUp(bot.token(), inGroup, outside, bot.orgId())),
        "a token scoped to one organization finds that one only");
  }

  @Test
  void aThousandAreAnsweredAndMoreOrNoneOrNotStringsAreRefused() {
    var alice = org.newUser("alice");
    var own = org.createOrg(alice.token(), unique("own")).getString("id");
    var thousand = IntStream.range(0, 999).mapToObj(i -> UUID.randomUUID().toString()).toList();
    var answer = lookUp(alice.token(), Stream.concat(thousand.stream(), Stream.of(own))
        .toArray(String[]::new));
    assertEquals(List.of(own), ids(answer));
    assertEquals(999, answer.getJsonArray("missing").size());

    var tooMany = new JsonArray(IntStream.range(0, 1001).mapToObj(i -> UUID.randomUUID().toString()).toList());
    for (var body : List.of(new JsonObject().put("organizations", tooMany),
        new JsonObject().put("organizations", new JsonArray()),
        new JsonObject().put("organizations", new JsonArray().add(own).add(7)),
        new JsonObject(),
        new JsonObject().put("organizations", new JsonArray().add(own)).put("ids", new JsonArray().add(own)))) {
      assertProblem(org.post(PATH, alice.token(), body), 400, "validation_failed");
    }
    assertProblem(org.post(PATH, null, new JsonObject().put("organizations", new JsonArray().add(own))), 401,
        "invalid_token");
  }
}
