package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrganizationTest extends OrgServiceTest {

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void creatorBecomesOwnerAndCanReadByIdOrName() {
    var alice = org.newUser("alice");
    var name = unique("acme");
    var created = org.createOrg(alice.token(), name);
    assertEquals("enabled", created.getString("state"));
    assertNotNull(created.getString("groupId"));
    assertEquals(created, org.get("/v1/organizations/" + created.getString("id"), alice.token()).bodyAsJsonObject());
    assertEquals(created.getString("id"),
        org.get("/v1/organizations/" + name, alice.token()).bodyAsJsonObject().getString("id"));
    var members = org.get("/v1/organizations/" + name + "/users", alice.token()).bodyAsJsonObject();
    assertEquals(new JsonArray().add("owner"), members.getJsonArray("items").getJsonObject(0).getJsonArray("roles"));
    var audit = org.get("/v1/organizations/" + name + "/audit-events", alice.token()).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(1, audit.size(), "one event, written with the organization: " + audit.encode());
    assertEquals("organization.created", audit.getJsonObject(0).getString("action"));
    assertEquals(alice.id(), audit.getJsonObject(0).getString("actor"));
    assertEquals(alice.id(), audit.getJsonObject(0).getJsonObject("details").getString("ownerId"));
  }

  @Test
  void aRefusedCreationLeavesNoGroupBehind() {
    var alice = org.newUser("alice");
    var name = unique("once");
    org.createOrg(alice.token(), name);
    assertProblem(org.post("/v1/organizations", alice.token(), new JsonObject().put("name", name).put("title", "t")),
        409, "organization_name_taken");
    var admin = org.platformAdminToken();
    var groupsNamedSo = org.get("/v1/organization-groups?limit=500", admin).bodyAsJsonObject().getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(g -> name.equals(g.getString("name"))).count();
    assertEquals(1, groupsNamedSo, "the creation is one statement: the refused one made no group of its own");
  }

  @Test
  void nameRulesAreEnforced() {
    var alice = org.newUser("alice");
    var name = unique("taken");
    org.createOrg(alice.token(), name);
    assertProblem(org.post("/v1/organizations", alice.token(), new JsonObject().put("name", name).put("title", "x")),
        409, "organization_name_taken");
    // the last is an id's shape: addressed by it, the organization would never be found by its name
    for (var bad : new String[] {"ab", "Upper", "white space", "x".repeat(64), "semi;colon", UUID.randomUUID().toString()}) {
      assertProblem(org.post("/v1/organizations", alice.token(), new JsonObject().put("name", bad).put("title", "x")),
          400, "validation_failed");
    }
    var unicodeTitle = org.post("/v1/organizations", alice.token(),
        new JsonObject().put("name", unique("uni")).put("title", "Ünïcødé 組織 🚀"));
    assertEquals(201, unicodeTitle.statusCode());
  }

  /** A lone surrogate is no character: it was kept as {@code ?}, so the title read back was not the one sent. */
  @Test
  void aTitleHoldingALoneSurrogateIsRefusedNotMangled() {
    var alice = org.newUser("alice");
    var name = unique("lone");
    var refused = org.post("/v1/organizations", alice.token(),
        "{\"name\":\"" + name + "\",\"title\":\"Acme \\ud800 Corp\"}");
    assertProblem(refused, 400, "validation_failed");
    assertEquals("title", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
    assertEquals(404, org.get("/v1/organizations/" + name, alice.token()).statusCode(), "nothing was made");
  }

  /**
   * Metadata is stored as it is sent: a lone surrogate in it, in a key or a value at any depth, was stored as {@code ?}
   * (two such keys made one, and one value was lost), as in a team's or a role's. Each is refused by field. An
   * organization's metadata here is what the shipped meta-schema takes (labels of strings), or one a test put there.
   */
  @Test
  void metadataHoldingALoneSurrogateIsRefusedNotMangled() {
    var alice = org.newUser("alice");
    var name = unique("meta");
    var surrogate = new JsonArray().add(new JsonObject().put("field", "metadata")
        .put("message", "must not contain unpaired UTF-16 surrogates"));
    var created = org.post("/v1/organizations", alice.token(),
        "{\"name\":\"" + name + "\",\"title\":\"t\",\"metadata\":{\"labels\":{\"a\":\"\\ud800\"}}}");
    assertProblem(created, 400, "validation_failed");
    assertEquals(surrogate, created.bodyAsJsonObject().getJsonArray("errors"), created.bodyAsString());
    assertEquals(404, org.get("/v1/organizations/" + name, alice.token()).statusCode(), "nothing was made");

    var orgId = org.createOrg(alice.token(), name).getString("id");
    var before = org.get("/v1/organizations/" + orgId, alice.token()).bodyAsJsonObject();
    var changes = List.of("/v1/organizations/" + orgId, "/v1/organizations/" + orgId + "/groups",
        "/v1/organizations/" + orgId + "/roles");
    for (var path : changes) {
      var body = path.endsWith(orgId) ? "{\"metadata\":{\"labels\":{\"\\ud800\":\"x\",\"\\udbff\":\"y\"}}}"
          : "{\"metadata\":{\"n\":[{\"\\ud800\":1,\"\\udbff\":2}]}" + (path.endsWith("/groups")
          ? ",\"name\":\"team\"}" : ",\"name\":\"role\",\"permissions\":[]}");
      var refused = path.endsWith(orgId) ? org.send(HttpMethod.PATCH, path, alice.token(), body)
          : org.post(path, alice.token(), body);
      assertProblem(refused, 400, "validation_failed");
      assertEquals(surrogate, refused.bodyAsJsonObject().getJsonArray("errors"), path + ": " + refused.bodyAsString());
    }
    assertEquals(before, org.get("/v1/organizations/" + orgId, alice.token()).bodyAsJsonObject());
  }

  /**
   * A title is the subject of the organization's invitation mails: a line break there started a header, or a body, of
   * the creator's own (vertx-mail passes a bare LF on), so no control character is taken, on creation or change.
   */
  @Test
  void aTitleIsOneLineWithoutControlCharacters() {
    var alice = org.newUser("alice");
    var orgId = org.createOrg(alice.token(), unique("line")).getString("id");
    for (var bad : List.of("Acme\nX-Injected: yes", "Acme\r\nBcc: x@evil.test", "Acme\tCorp", "Acme\u007f",
        "Acme\u0085Corp")) {
      var name = unique("ctl");
      var refused = org.post("/v1/organizations", alice.token(), new JsonObject().put("name", name).put("title", bad));
      assertProblem(refused, 400, "validation_failed");
      assertEquals("title", refused.bodyAsJsonObject().getJsonArray("errors").getJsonObject(0).getString("field"));
      assertEquals(404, org.get("/v1/organizations/" + name, alice.token()).statusCode(), "nothing was made");
      assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, alice.token(),
          new JsonObject().put("title", bad)), 400, "validation_failed");
    }
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgId, alice.token(),
        new JsonObject().put("title", "Acme \u2014 Ünïcødé")).statusCode());
  }

  @Test
  void badFieldsAreReportedTogether() {
    var alice = org.newUser("alice");
    var response = org.post("/v1/organizations", alice.token(), new JsonObject().put("name", unique("f"))
        .put("title", "t").put("email", "nope").put("website", "ftp://x").put("colour", "red"));
    assertProblem(response, 400, "validation_failed");
    var fields = new HashSet<String>();
    response.bodyAsJsonObject().getJsonArray("errors").forEach(e -> fields.add(((JsonObject) e).getString("field")));
    assertEquals(java.util.Set.of("email", "website", "colour"), fields);
  }

  @Test
  void metadataMustMatchTheMetaSchema() {
    var alice = org.newUser("alice");
    var ok = org.post("/v1/organizations", alice.token(), new JsonObject().put("name", unique("m")).put("title", "t")
        .put("metadata", new JsonObject().put("labels", new JsonObject().put("tier", "gold"))));
    assertEquals(201, ok.statusCode(), ok.bodyAsString());
    var bad = org.post("/v1/organizations", alice.token(), new JsonObject().put("name", unique("m")).put("title", "t")
        .put("metadata", new JsonObject().put("labels", new JsonObject().put("tier", 3)).put("extra", true)));
    assertProblem(bad, 400, "validation_failed");
    assertTrue(bad.bodyAsJsonObject().getJsonArray("errors").size() >= 2, bad.bodyAsString());
  }

  @Test
  void staleEtagIsRefused() {
    var alice = org.newUser("alice");
    var id = org.createOrg(alice.token(), unique("etag")).getString("id");
    var read = org.get("/v1/organizations/" + id, alice.token());
    var etag = read.getHeader("ETag");
    var first = org.send(HttpMethod.PATCH, "/v1/organizations/" + id, alice.token(),
        new JsonObject().put("title", "First"));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    var stale = patchIfMatch(id, alice.token(), etag, new JsonObject().put("title", "Second"));
    assertProblem(stale, 412, "precondition_failed");
    var fresh = patchIfMatch(id, alice.token(), first.getHeader("ETag"), new JsonObject().put("title", "Second"));
    assertEquals("Second", fresh.bodyAsJsonObject().getString("title"));
    var audit = org.get("/v1/organizations/" + id + "/audit-events", alice.token()).bodyAsJsonObject();
    assertEquals("organization.updated", audit.getJsonArray("items").getJsonObject(0).getString("action"));
  }

  /**
   * A change keeps the fields it leaves out. Name, title and metadata every organization has: one sent as null is
   * refused and changes nothing (it was read as left out, 200). The optional description, avatar, email and website
   * are cleared by null, audited as changes (null was read as left out too, so none of them, once set, could be taken
   * off: an empty avatar, email or website is no URL or address).
   */
  @Test
  void aPatchRefusesNullForWhatEveryOrganizationHasAndClearsTheOptionalFields() {
    var alice = org.newUser("alice");
    var path = "/v1/organizations/" + org.createOrg(alice.token(), unique("nulls")).getString("id");
    var profile = new JsonObject().put("description", "Widgets").put("avatar", "https://example.com/a.png")
        .put("email", "team@example.com").put("website", "https://example.com");
    assertEquals(200, org.send(HttpMethod.PATCH, path, alice.token(), profile).statusCode());

    for (var field : List.of("name", "title", "metadata")) {
      org.assertPatchRefused(path, alice.token(), new JsonObject().put("title", "Retitled").putNull("description")
          .putNull(field), field + ": must not be null");
    }

    var before = org.get(path, alice.token()).bodyAsJsonObject();
    var clearing = new JsonObject();
    profile.fieldNames().forEach(clearing::putNull);
    var cleared = org.send(HttpMethod.PATCH, path, alice.token(), clearing);
    assertEquals(200, cleared.statusCode(), cleared.bodyAsString());
    var expected = before.copy();
    profile.fieldNames().forEach(expected::putNull);
    expected.put("updatedAt", cleared.bodyAsJsonObject().getValue("updatedAt"));
    assertEquals(expected, cleared.bodyAsJsonObject(), "the four cleared, the rest kept");
    assertEquals(cleared.bodyAsJsonObject(), org.get(path, alice.token()).bodyAsJsonObject());
    var details = org.audited(alice.token(), before.getString("id"), "organization.updated").getJsonObject(0)
        .getJsonObject("details");
    assertEquals(new JsonObject().put("before", "https://example.com").putNull("after"),
        details.getJsonObject("website"));
  }

  /**
   * A patch sending the values stored is no change: answered with the organization as it was, ETag included, and
   * neither audited nor announced (it took a new version and recorded and queued an organization.updated saying
   * nothing); a change records what it changed.
   */
  @Test
  void aPatchThatChangesNothingIsNoUpdate() {
    var alice = org.newUser("alice");
    var name = unique("same");
    var id = org.createOrg(alice.token(), name).getString("id");
    var path = "/v1/organizations/" + id;
    var hook = org.post(path + "/hooks", alice.token(), new JsonObject().put("name", "receiver")
        .put("url", "https://hooks.example.com/events").put("events", new JsonArray().add("organization.updated")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    var deliveries = "SELECT count(*) FROM org.hook_deliveries WHERE org_id = '" + id + "'";

    org.assertPatchChangesNothing(path, alice.token(), new JsonObject());
    org.assertPatchChangesNothing(path, alice.token(), new JsonObject().put("name", name).put("title", name)
        .put("metadata", new JsonObject()));
    assertEquals(0, org.audited(alice.token(), id, "organization.updated").size());
    assertEquals(0, PgFixture.queryLong(org.db(), deliveries));

    var retitled = org.send(HttpMethod.PATCH, path, alice.token(), new JsonObject().put("name", name)
        .put("title", "Retitled"));
    assertEquals("Retitled", retitled.bodyAsJsonObject().getString("title"));
    var updated = org.audited(alice.token(), id, "organization.updated");
    assertEquals(new JsonObject().put("title", new JsonObject().put("before", name).put("after", "Retitled")),
        updated.getJsonObject(0).getJsonObject("details"), "a change is still recorded, saying what changed");
    assertEquals(1, PgFixture.queryLong(org.db(), deliveries));
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> patchIfMatch(String id, String token,
      String etag, JsonObject body) {
    return org.send(HttpMethod.PATCH, "/v1/organizations/" + id, token, body,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-Match", etag));
  }

  @Test
  void otherTenantsSeeNothing() {
    var alice = org.newUser("alice");
    var mallory = org.newUser("mallory");
    var id = org.createOrg(alice.token(), unique("private")).getString("id");
    assertProblem(org.get("/v1/organizations/" + id, mallory.token()), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, mallory.token(),
        new JsonObject().put("title", "pwned")), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id, mallory.token(), null), 404,
        "organization_not_found");
    assertProblem(org.get("/v1/organizations/" + id + "/users", mallory.token()), 404, "organization_not_found");
    assertProblem(org.get("/v1/organizations/" + UUID.randomUUID(), mallory.token()), 404, "organization_not_found");
    assertProblem(org.get("/v1/organizations/----0123456789abcdef0123456789abcdef", mallory.token()), 404,
        "organization_not_found");
    var listed = org.get("/v1/organizations", mallory.token()).bodyAsJsonObject().getJsonArray("items");
    assertTrue(listed.stream().noneMatch(o -> ((JsonObject) o).getString("id").equals(id)));
  }

  /**
   * A reference of neither an id's form nor a name's, one holding a NUL say, names no organization, as an unknown one:
   * it was looked up, and the database's refusal of the NUL answered 400 {@code invalid_text} naming nothing.
   */
  @Test
  void aReferenceNoOrganizationCanHaveIsNoOrganization() {
    var alice = org.newUser("alice");
    assertProblem(org.get("/v1/organizations/a%00b", alice.token()), 404, "organization_not_found");
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/a%00b", alice.token(),
        new JsonObject().put("title", "T")), 404, "organization_not_found");
    assertProblem(org.post("/v1/organizations/a%00b/users", alice.token(),
        new JsonObject().put("userIds", new JsonArray().add(alice.id()))), 404, "organization_not_found");
    assertProblem(org.post("/v1/organization-groups/" + UUID.randomUUID() + "/organizations/a%00b/token",
        alice.token(), null), 404, "organization_not_found");
  }

  @Test
  void disabledOrganizationRejectsMembersButShowsItsState() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var id = org.createOrg(alice.token(), unique("dis")).getString("id");
    org.addMembers(id, List.of(bob.id()), "manager");
    assertEquals("disabled", org.post("/v1/organizations/" + id + "/disable", alice.token(), null)
        .bodyAsJsonObject().getString("state"));
    assertEquals("disabled", org.get("/v1/organizations/" + id, bob.token()).bodyAsJsonObject().getString("state"));
    assertProblem(org.get("/v1/organizations/" + id + "/users", bob.token()), 403, "organization_disabled");
    assertProblem(org.post("/v1/organizations/" + id + "/enable", bob.token(), null), 403, "forbidden");
    assertEquals("enabled", org.post("/v1/organizations/" + id + "/enable", alice.token(), null)
        .bodyAsJsonObject().getString("state"));
    assertEquals(200, org.get("/v1/organizations/" + id + "/users", bob.token()).statusCode());
  }

  /** Disabling a disabled organization (enabling an enabled one) changes nothing: same answer, same tag, no event. */
  @Test
  void aStateChangeToTheCurrentStateIsANoOp() {
    var alice = org.newUser("alice");
    var id = org.createOrg(alice.token(), unique("noop")).getString("id");
    assertEquals(200, org.post("/v1/organizations/" + id + "/enable", alice.token(), null).statusCode());
    for (var action : List.of("disable", "enable")) {
      var first = org.post("/v1/organizations/" + id + "/" + action, alice.token(), null);
      var again = org.post("/v1/organizations/" + id + "/" + action, alice.token(), null);
      assertEquals(200, again.statusCode(), again.bodyAsString());
      assertEquals(first.getHeader("ETag"), again.getHeader("ETag"), action);
      assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject(), action);
    }
    assertEquals(1, org.audited(alice.token(), id, "organization.disabled").size());
    assertEquals(1, org.audited(alice.token(), id, "organization.enabled").size(), "the first enabling changed nothing");
  }

  @Test
  void aRoleWithoutTheReadPermissionDoesNotReadTheOrganization() {
    var alice = org.newUser("alice");
    var auditor = org.newUser("auditor");
    var id = org.createOrg(alice.token(), unique("audited")).getString("id");
    assertEquals(201, org.post("/v1/organizations/" + id + "/roles", alice.token(), new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list"))).statusCode());
    org.addMembers(id, List.of(auditor.id()), "auditor");

    assertProblem(org.get("/v1/organizations/" + id, auditor.token()), 403, "forbidden");
    assertEquals(200, org.get("/v1/organizations/" + id + "/audit-events", auditor.token()).statusCode(),
        "what the role grants, it grants");
  }

  @Test
  void aDisabledOrganizationIsNotDeletedByItsOwner() {
    var alice = org.newUser("alice");
    var id = org.createOrg(alice.token(), unique("kept")).getString("id");
    assertEquals(200, org.post("/v1/organizations/" + id + "/disable", alice.token(), null).statusCode());

    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id, alice.token(), null), 403,
        "organization_disabled");
    assertEquals("disabled", org.get("/v1/organizations/" + id, alice.token()).bodyAsJsonObject().getString("state"));
  }

  @Test
  void aRenameNeedsAValidFreeName() {
    var alice = org.newUser("alice");
    var id = org.createOrg(alice.token(), unique("renamed")).getString("id");
    var taken = org.createOrg(alice.token(), unique("taken")).getString("name");
    var before = org.get("/v1/organizations/" + id, alice.token()).bodyAsJsonObject();

    for (var bad : new String[] {UUID.randomUUID().toString(), "Upper Case", "ab"}) {
      assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, alice.token(), new JsonObject().put("name", bad)),
          400, "validation_failed");
    }
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id, alice.token(), new JsonObject().put("name", taken)),
        409, "organization_name_taken");

    assertEquals(before, org.get("/v1/organizations/" + id, alice.token()).bodyAsJsonObject());
  }

  /** A new organization of a deleted one's name starts at version 1 again, yet the old one's tag does not match it. */
  @Test
  void aDeletedOrganizationsTagDoesNotMatchItsNamesake() {
    var alice = org.newUser("alice");
    var name = unique("reborn");
    org.createOrg(alice.token(), name);
    var deletedTag = org.get("/v1/organizations/" + name, alice.token()).getHeader("ETag");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + name, alice.token(), null).statusCode());
    var namesake = org.createOrg(alice.token(), name).getString("id");

    assertNotEquals(deletedTag, org.get("/v1/organizations/" + namesake, alice.token()).getHeader("ETag"));
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + name, alice.token(),
        new JsonObject().put("title", "Overwritten"), io.vertx.core.MultiMap.caseInsensitiveMultiMap()
            .add("If-Match", deletedTag)), 412, "precondition_failed");
    assertEquals(200, org.send(HttpMethod.GET, "/v1/organizations/" + namesake, alice.token(), null,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-None-Match", deletedTag)).statusCode());
  }

  @Test
  void aStaleTagDeletesNothing() {
    var alice = org.newUser("alice");
    var id = org.createOrg(alice.token(), unique("tagged")).getString("id");
    var stale = org.get("/v1/organizations/" + id, alice.token()).getHeader("ETag");
    var current = org.send(HttpMethod.PATCH, "/v1/organizations/" + id, alice.token(),
        new JsonObject().put("title", "Changed")).getHeader("ETag");

    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id, alice.token(), null,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-Match", stale)), 412, "precondition_failed");
    assertEquals("Changed", org.get("/v1/organizations/" + id, alice.token()).bodyAsJsonObject().getString("title"));
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id, alice.token(), null,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("If-Match", current)).statusCode());
  }

  @Test
  void deleteRemovesTheOrganizationButNotItsUsers() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var id = org.createOrg(alice.token(), unique("del")).getString("id");
    org.addMembers(id, List.of(bob.id()), "manager");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + id, bob.token(), null), 403, "forbidden");
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id, alice.token(), null).statusCode());
    assertProblem(org.get("/v1/organizations/" + id, alice.token()), 404, "organization_not_found");
    assertEquals(200, org.get("/v1/users/me", bob.token()).statusCode());
  }

  /**
   * An invitation's mail not yet sent (the mail server down, say) goes with its organization: sent after the deletion,
   * it asked its addressee to accept an invitation that no longer existed, in the name of an organization gone.
   */
  @Test
  void deletingAnOrganizationDropsItsInvitationMailsNotYetSent() {
    var owner = org.newVerifiedUser("mailer");
    var id = org.createOrg(owner.token(), unique("mails")).getString("id");
    var invitee = unique("invitee") + "@example.com";
    assertEquals(201, org.post("/v1/organizations/" + id + "/invitations", owner.token(),
        new JsonObject().put("email", invitee)).statusCode());
    var queued = "SELECT count(*) FROM org.mail_outbox WHERE to_address = '" + invitee + "'";
    PgFixture.execute(org.db(), "UPDATE org.mail_outbox SET state = 'pending', next_attempt_at = now() + "
        + "interval '1 hour' WHERE to_address = '" + invitee + "'");
    assertEquals(1, PgFixture.queryLong(org.db(), queued));

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id, owner.token(), null).statusCode());

    assertEquals(0, PgFixture.queryLong(org.db(), queued), "the mail is not sent");
  }

  @Test
  void listIsPagedWithCursorAndFiltered() {
    var alice = org.newUser("alice");
    var prefix = unique("page");
    for (int i = 0; i < 5; i++) {
      org.createOrg(alice.token(), prefix + "-" + i);
    }
    var first = org.get("/v1/organizations?limit=2&q=" + prefix, alice.token()).bodyAsJsonObject();
    assertEquals(2, first.getJsonArray("items").size());
    var names = org.allPages("/v1/organizations?q=" + prefix, alice.token(), 2).stream().map(o -> o.getString("name"))
        .sorted().toList();
    assertEquals(List.of(prefix + "-0", prefix + "-1", prefix + "-2", prefix + "-3", prefix + "-4"), names);
    assertNull(org.get("/v1/organizations?q=" + prefix + "&state=disabled", alice.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().findAny().orElse(null));
    for (var limit : List.of("501", "%2B5", "05")) {
      assertProblem(org.get("/v1/organizations?limit=" + limit, alice.token()), 400, "invalid_limit");
    }
    assertProblem(org.get("/v1/organizations?cursor=!!not-base64", alice.token()), 400, "invalid_cursor");
    assertProblem(org.get("/v1/organizations?state=weird", alice.token()), 400, "invalid_filter");
  }

  @Test
  void oversizeBodyIs413() {
    var alice = org.newUser("alice");
    assertProblem(org.post("/v1/organizations", alice.token(), new JsonObject().put("name", unique("big"))
        .put("title", "t").put("description", "x".repeat(70_000))), 413, "payload_too_large");
  }
}
