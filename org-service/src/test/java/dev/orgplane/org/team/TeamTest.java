package dev.orgplane.org.team;

import static dev.orgplane.org.OrgServiceHarness.ONE_LINE;
import static dev.orgplane.org.OrgServiceHarness.assertInvalid;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.OpenApiRoutes;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TeamTest extends OrgServiceTest {

  private String newOrg(OrgServiceHarness.Account owner) {
    return org.createOrg(owner.token(), "t-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
  }

  @Test
  void onlyMembersJoinTeamsAndLeavingTheOrganizationLeavesItsTeams() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var stranger = org.newUser("stranger");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "member");
    var created = org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "support")
        .put("userIds", new JsonArray().add(member.id()).add(owner.id())));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    var teamId = created.bodyAsJsonObject().getString("id");
    assertEquals(2, created.bodyAsJsonObject().getInteger("memberCount"));
    assertProblem(org.post("/v1/organizations/" + id + "/groups/" + teamId + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add(stranger.id()))), 422, "not_a_member");
    assertProblem(org.post("/v1/organizations/" + id + "/groups/" + teamId + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray())), 400, "validation_failed");
    var memberPath = "/v1/organizations/" + id + "/groups/" + teamId + "/users/";
    assertEquals(member.id(), org.get(memberPath + member.id(), owner.token()).bodyAsJsonObject().getString("userId"));
    assertProblem(org.get(memberPath + stranger.id(), owner.token()), 404, "member_not_found");
    var ofNoTeam = "/v1/organizations/" + id + "/groups/" + UUID.randomUUID() + "/users/" + member.id();
    assertProblem(org.get(ofNoTeam, owner.token()), 404, "group_not_found");
    assertProblem(org.send(HttpMethod.DELETE, ofNoTeam, owner.token(), null), 404, "group_not_found");

    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + member.id(), owner.token(),
        null).statusCode());
    var members = org.get("/v1/organizations/" + id + "/groups/" + teamId + "/users", owner.token()).bodyAsJsonObject()
        .getJsonArray("items");
    assertEquals(1, members.size());
    assertEquals(owner.id(), members.getJsonObject(0).getString("userId"));
  }

  /**
   * A member who leaves the organization, is removed from it or whose account is deleted, and a service user deleted,
   * leave its teams with it, and each team's trail names them as a removal from the team does: one
   * {@code team.member_removed} a team, with the {@code userId} and the {@code reason}. Until session 32 the
   * membership's cascade took them out of their teams with no team event.
   */
  @Test
  void leavingTheOrganizationIsAuditedInEachTeamLeft() {
    var owner = org.newUser("owner");
    var leaver = org.newUser("leaver");
    var removed = org.newUser("removed");
    var deleted = org.newUser("deleted");
    var id = newOrg(owner);
    org.addMembers(id, List.of(leaver.id(), removed.id(), deleted.id()), "member");
    var bot = org.post("/v1/organizations/" + id + "/service-users", owner.token(), new JsonObject().put("name", "bot")
        .put("roles", new JsonArray().add("viewer")));
    assertEquals(201, bot.statusCode(), bot.bodyAsString());
    var botId = bot.bodyAsJsonObject().getString("id");
    var everyone = new JsonArray().add(owner.id()).add(leaver.id()).add(removed.id()).add(deleted.id()).add(botId);
    var teams = Stream.of("support", "sales").map(name -> {
      var team = org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", name)
          .put("userIds", everyone));
      assertEquals(201, team.statusCode(), team.bodyAsString());
      return team.bodyAsJsonObject().getString("id");
    }).toList();

    var members = "/v1/organizations/" + id + "/users/";
    assertEquals(204, org.send(HttpMethod.DELETE, members + leaver.id(), leaver.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, members + removed.id(), owner.token(), null).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/users/me", deleted.token(),
        new JsonObject().put("password", "password-deleted-123")).statusCode());
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/service-users/" + botId, owner.token(),
        null).statusCode());

    var expected = new ArrayList<String>();
    for (var team : teams) {
      expected.add("team:" + team + " " + leaver.id() + " member_left " + leaver.id());
      expected.add("team:" + team + " " + removed.id() + " member_removed " + owner.id());
      expected.add("team:" + team + " " + deleted.id() + " account_deleted " + deleted.id());
      expected.add("team:" + team + " " + botId + " service_user_deleted " + owner.id());
    }
    var audited = org.audited(owner.token(), id, "team.member_removed").stream().map(JsonObject.class::cast)
        .map(event -> event.getString("target") + " " + event.getJsonObject("details").getString("userId") + " "
            + event.getJsonObject("details").getString("reason") + " " + event.getString("actor")).sorted().toList();
    assertEquals(expected.stream().sorted().toList(), audited);
    for (var team : teams) {
      assertEquals(List.of(owner.id()), org.get("/v1/organizations/" + id + "/groups/" + team + "/users", owner.token())
          .bodyAsJsonObject().getJsonArray("items").stream().map(m -> ((JsonObject) m).getString("userId")).toList());
    }
  }

  /**
   * Every way a team's member list changes moves its {@code updatedAt} (and so its ETag), as a copy's diff reads it to
   * tell who changed the members; a write that changes no member leaves it as it was.
   */
  @Test
  void aTeamsMemberListChangingMovesItsUpdatedAt() {
    var owner = org.newUser("owner");
    var joiner = org.newUser("joiner");
    var leaver = org.newUser("leaver");
    var deleted = org.newUser("deleted");
    var id = newOrg(owner);
    org.addMembers(id, List.of(joiner.id(), leaver.id(), deleted.id()), "member");
    var teamPath = "/v1/organizations/" + id + "/groups/" + org.post("/v1/organizations/" + id + "/groups",
        owner.token(), new JsonObject().put("name", "support").put("userIds", new JsonArray().add(owner.id())))
        .bodyAsJsonObject().getString("id");
    var times = new TeamTimes(teamPath, owner.token());

    times.movesWith(org.post(teamPath + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add(joiner.id()))), 200, "adding a member");
    times.staysWith(org.post(teamPath + "/users", owner.token(),
        new JsonObject().put("userIds", new JsonArray().add(joiner.id()))), 200, "adding a member already there");
    times.movesWith(org.send(HttpMethod.DELETE, teamPath + "/users/" + joiner.id(), owner.token(), null), 204,
        "removing a member");
    var imported = new JsonObject().put("name", "support")
        .put("userIds", new JsonArray().add(owner.id()).add(leaver.id()).add(deleted.id()));
    times.movesWith(org.send(HttpMethod.PUT, teamPath, owner.token(), imported), 200,
        "an import changing the members");
    times.staysWith(org.send(HttpMethod.PUT, teamPath, owner.token(), imported), 200, "an import changing nothing");
    times.movesWith(org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/users/" + leaver.id(), owner.token(),
        null), 204, "a member leaving the organization");
    times.movesWith(org.send(HttpMethod.DELETE, "/v1/users/me", deleted.token(),
        new JsonObject().put("password", "password-deleted-123")), 204, "a member's account deleted");
    assertEquals(List.of(owner.id()), org.get(teamPath + "/users", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(member -> ((JsonObject) member).getString("userId")).toList());
  }

  /** A team's {@code updatedAt} and ETag as each write leaves them. */
  private final class TeamTimes {

    private final String path;
    private final String token;
    private HttpResponse<Buffer> last;

    TeamTimes(String path, String token) {
      this.path = path;
      this.token = token;
      this.last = org.get(path, token);
    }

    void movesWith(HttpResponse<Buffer> write, int status, String what) {
      var now = after(write, status, what);
      assertTrue(Instant.parse(updatedAt(now)).isAfter(Instant.parse(updatedAt(last))), what + ": " + now.bodyAsString());
      assertNotEquals(last.getHeader("ETag"), now.getHeader("ETag"), what);
      last = now;
    }

    void staysWith(HttpResponse<Buffer> write, int status, String what) {
      var now = after(write, status, what);
      assertEquals(updatedAt(last), updatedAt(now), what);
      assertEquals(last.getHeader("ETag"), now.getHeader("ETag"), what);
    }

    private HttpResponse<Buffer> after(HttpResponse<Buffer> write, int status, String what) {
      assertEquals(status, write.statusCode(), what + ": " + write.bodyAsString());
      return org.get(path, token);
    }

    private static String updatedAt(HttpResponse<Buffer> team) {
      return team.bodyAsJsonObject().getString("updatedAt");
    }
  }

  /** What a copy of the organization reads: every team with its members' ids, in one call rather than one per team. */
  @Test
  void theListNamesEachTeamsMembersWhenAskedTo() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "member");
    org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "both")
        .put("userIds", new JsonArray().add(member.id()).add(owner.id())));
    org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "none"));

    var teams = org.get("/v1/organizations/" + id + "/groups?include=userIds", owner.token()).bodyAsJsonObject()
        .getJsonArray("items");
    var both = Stream.of(member.id(), owner.id()).sorted().toList();
    assertEquals(both, teams.getJsonObject(0).getJsonArray("userIds").getList());
    assertEquals(List.of(), teams.getJsonObject(1).getJsonArray("userIds").getList());
    assertNull(org.get("/v1/organizations/" + id + "/groups", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0).getValue("userIds"), "only when asked");
    assertProblem(org.get("/v1/organizations/" + id + "/groups?include=members", owner.token()), 400,
        "invalid_include");
  }

  /**
   * A page of teams with their member ids names no more than {@link TeamRepository#MEMBER_IDS_PER_PAGE} of them: it
   * ends before the team that would pass them, and the next page goes on from there. Its first team comes whole
   * whatever its size, alone if it is larger, as a copy replaces a team's whole member list. Until session 36 a page
   * named every member of every team on it: 500 teams of thousands, tens of megabytes, for any member to ask.
   */
  @Test
  void aPageOfTeamsWithMemberIdsEndsBeforeTheTeamThatWouldPassItsCap() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var cap = TeamRepository.MEMBER_IDS_PER_PAGE;
    var sizes = List.of(cap + 1, cap * 6 / 10, cap * 4 / 10, 1);
    var teamIds = Stream.generate(() -> UUID.randomUUID().toString()).limit(sizes.size()).sorted().toList();
    var people = "email LIKE 'bulk%-" + id + "@t.local'";
    var statements = new ArrayList<>(List.of(
        "INSERT INTO org.users (id, email) SELECT gen_random_uuid(), 'bulk' || g || '-" + id + "@t.local' "
            + "FROM generate_series(1, " + (cap + 1) + ") g",
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT '" + id + "', id, ARRAY['member'] "
            + "FROM org.users WHERE " + people));
    for (var i = 0; i < sizes.size(); i++) {
      statements.add("INSERT INTO org.teams (org_id, id, name) VALUES ('" + id + "', '" + teamIds.get(i) + "', 'team-"
          + i + "')");
      statements.add("INSERT INTO org.team_members (org_id, team_id, user_id) SELECT '" + id + "', '" + teamIds.get(i)
          + "', id FROM org.users WHERE " + people + " ORDER BY email LIMIT " + sizes.get(i));
    }
    PgFixture.execute(org.db(), statements.toArray(String[]::new));

    var teams = "/v1/organizations/" + id + "/groups?include=userIds&order=id";
    var pages = new ArrayList<List<Integer>>();
    String cursor = null;
    do {
      var page = org.get(teams + (cursor == null ? "" : "&cursor=" + cursor), owner.token()).bodyAsJsonObject();
      pages.add(page.getJsonArray("items").stream()
          .map(team -> ((JsonObject) team).getJsonArray("userIds").size()).toList());
      cursor = page.getString("nextCursor");
    } while (cursor != null && pages.size() < sizes.size());
    assertEquals(List.of(List.of(cap + 1), List.of(cap * 6 / 10, cap * 4 / 10), List.of(1)), pages);
    assertNull(cursor);
    assertEquals(teamIds, org.get("/v1/organizations/" + id + "/groups?order=id", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(team -> ((JsonObject) team).getString("id")).toList(),
        "without their ids, teams are as many as the limit lets in");
  }

  /**
   * Teams page by id when asked ({@code order=id}), as a copy of the organization reads them: a team renamed between
   * two pages, to sort after the cursor by name (where it would come again), is listed once.
   */
  @Test
  void teamsPagedByIdComeOnceThoughOneIsRenamedBetweenPages() {
    var owner = org.newUser("owner");
    var teams = "/v1/organizations/" + newOrg(owner) + "/groups";
    var ids = Stream.of("team-b", "team-c", "team-d").map(name -> org.post(teams, owner.token(),
        new JsonObject().put("name", name)).bodyAsJsonObject().getString("id")).sorted().toList();

    var listed = org.allPages(teams + "?include=userIds&order=id", owner.token(), 1, () -> assertEquals(200,
        org.send(HttpMethod.PATCH, teams + "/" + ids.get(0), owner.token(), new JsonObject().put("name", "team-z"))
            .statusCode()));
    assertEquals(ids, listed.stream().map(team -> team.getString("id")).toList());
    assertProblem(org.get(teams + "?order=title", owner.token()), 400, "invalid_order");
  }

  @Test
  void namesAreUniquePerOrganization() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var other = newOrg(owner);
    assertEquals(201, org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "ops"))
        .statusCode());
    assertProblem(org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "ops")),
        409, "group_name_taken");
    assertEquals(201, org.post("/v1/organizations/" + other + "/groups", owner.token(),
        new JsonObject().put("name", "ops")).statusCode());
  }

  @Test
  void membersReadTeamsOnlyManagersChangeThem() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "member");
    var teamId = org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "dev"))
        .bodyAsJsonObject().getString("id");
    assertEquals(200, org.get("/v1/organizations/" + id + "/groups", member.token()).statusCode());
    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/groups/" + teamId, member.token(),
        new JsonObject().put("title", "x")), 403, "forbidden");
    var renamed = org.send(HttpMethod.PATCH, "/v1/organizations/" + id + "/groups/" + teamId, owner.token(),
        new JsonObject().put("title", "Developers"));
    assertEquals("Developers", renamed.bodyAsJsonObject().getString("title"));
    assertEquals(204, org.send(HttpMethod.DELETE, "/v1/organizations/" + id + "/groups/" + teamId, owner.token(), null)
        .statusCode());
    assertProblem(org.get("/v1/organizations/" + id + "/groups/" + teamId, owner.token()), 404, "group_not_found");
  }

  /**
   * A patch sending the values stored is no change: answered with the team as it was, {@code updatedAt} and ETag
   * included, and not audited, as a {@code PUT} of the team as it is (it moved both and recorded a team.updated).
   */
  @Test
  void aPatchThatChangesNothingIsNoUpdate() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var metadata = new JsonObject().put("k", 1);
    var teamPath = "/v1/organizations/" + id + "/groups/" + org.post("/v1/organizations/" + id + "/groups",
        owner.token(), new JsonObject().put("name", "ops").put("title", "Ops").put("metadata", metadata))
        .bodyAsJsonObject().getString("id");
    var before = org.get(teamPath, owner.token());

    org.assertPatchChangesNothing(teamPath, owner.token(), new JsonObject());
    org.assertPatchChangesNothing(teamPath, owner.token(), new JsonObject().put("name", "ops").put("title", "Ops")
        .put("metadata", metadata));
    assertEquals(0, org.audited(owner.token(), id, "team.updated").size());

    var retitled = org.send(HttpMethod.PATCH, teamPath, owner.token(), new JsonObject().put("title", "Operations"));
    assertEquals("Operations", retitled.bodyAsJsonObject().getString("title"));
    assertNotEquals(before.getHeader("ETag"), retitled.getHeader("ETag"));
    assertEquals(1, org.audited(owner.token(), id, "team.updated").size(), "a change is still recorded");
  }

  /**
   * No team field takes null: a patch sending one is refused and changes nothing, the fields it sends beside it
   * included. {@code {"title": null}} was read as left out (200, the title as it was).
   */
  @Test
  void aPatchSendingAFieldAsNullIsRefusedAndChangesNothing() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var teamPath = "/v1/organizations/" + id + "/groups/" + org.post("/v1/organizations/" + id + "/groups",
        owner.token(), new JsonObject().put("name", "ops").put("title", "Ops")
            .put("metadata", new JsonObject().put("k", 1))).bodyAsJsonObject().getString("id");

    for (var field : List.of("name", "title", "metadata")) {
      org.assertPatchRefused(teamPath, owner.token(), new JsonObject().put("name", "renamed").put("title", "Renamed")
          .put("metadata", new JsonObject()).putNull(field), field + ": must not be null");
    }
    assertEquals(0, org.audited(owner.token(), id, "team.updated").size());
  }

  /**
   * A create names at most 500 members, as an add does; an import sets a whole member list, as a copy sends it, so
   * only the body limit bounds it. A refusal of those who are no members names the first 20 (it named every one,
   * whole, in its errors, as large as the body refused).
   */
  @Test
  void aCreateNamesAtMost500MembersAndARefusalAFewOfThem() {
    var owner = org.newUser("owner");
    var teams = "/v1/organizations/" + newOrg(owner) + "/groups";
    var strangers = new JsonArray();
    IntStream.range(0, 501).forEach(i -> strangers.add(UUID.randomUUID().toString()));
    assertInvalid(org.post(teams, owner.token(), new JsonObject().put("name", "crowd").put("userIds", strangers)),
        "userIds: must hold at most 500 items");

    var imported = org.send(HttpMethod.PUT, teams + "/" + UUID.randomUUID(), owner.token(),
        new JsonObject().put("name", "crowd").put("userIds", strangers));
    assertProblem(imported, 422, "not_a_member");
    assertEquals(20, imported.bodyAsJsonObject().getJsonArray("errors").size(), imported.bodyAsString());
    assertTrue(imported.bodyAsJsonObject().getString("detail").endsWith(" and 481 more"), imported.bodyAsString());
    var created = org.post(teams, owner.token(), new JsonObject().put("name", "crowd")
        .put("userIds", new JsonArray(strangers.getList().subList(0, 30))));
    assertProblem(created, 422, "not_a_member");
    assertEquals(20, created.bodyAsJsonObject().getJsonArray("errors").size(), created.bodyAsString());
  }

  /** A team's title is one line, as an organization's is: a line break in it was taken, on create and on a change. */
  @Test
  void aTeamsTitleIsOneLine() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    assertInvalid(org.post("/v1/organizations/" + id + "/groups", owner.token(),
        new JsonObject().put("name", "ops").put("title", "a\nb")), "title: " + ONE_LINE);
    var teamPath = "/v1/organizations/" + id + "/groups/" + org.post("/v1/organizations/" + id + "/groups",
        owner.token(), new JsonObject().put("name", "ops").put("title", "Ops")).bodyAsJsonObject().getString("id");
    org.assertPatchRefused(teamPath, owner.token(), new JsonObject().put("title", "Ops\u0085Evil"),
        "title: " + ONE_LINE);
  }

  /**
   * A team's audit events name the members a change gave or took, by id (they said nothing: which members an add or
   * an import brought in, which one was removed), and an add that brings in no one is no event (it recorded one).
   */
  @Test
  void teamEventsNameTheMembersTheyChanged() {
    var owner = org.newUser("owner");
    var bob = org.newUser("bob");
    var carol = org.newUser("carol");
    var id = newOrg(owner);
    org.addMembers(id, List.of(bob.id(), carol.id()), "member");
    var teamId = UUID.randomUUID().toString();
    var teamPath = "/v1/organizations/" + id + "/groups/" + teamId;
    Function<String, JsonArray> details = action -> new JsonArray(org.audited(owner.token(), id, action).stream()
        .map(event -> ((JsonObject) event).getJsonObject("details")).toList());
    Function<List<String>, JsonArray> ids = users -> new JsonArray(users.stream().sorted().toList());

    assertEquals(201, org.send(HttpMethod.PUT, teamPath, owner.token(), new JsonObject().put("name", "crew")
        .put("userIds", new JsonArray().add(owner.id()))).statusCode());
    assertEquals(new JsonArray().add(new JsonObject().put("userIds", ids.apply(List.of(owner.id())))),
        details.apply("team.created"));

    var added = org.post(teamPath + "/users", owner.token(), new JsonObject().put("userIds",
        new JsonArray().add(owner.id()).add(bob.id()).add(carol.id())));
    assertEquals(2, added.bodyAsJsonObject().getInteger("added"), added.bodyAsString());
    var again = org.post(teamPath + "/users", owner.token(), new JsonObject().put("userIds", new JsonArray().add(bob.id())));
    assertEquals(0, again.bodyAsJsonObject().getInteger("added"), again.bodyAsString());
    assertEquals(new JsonArray().add(new JsonObject().put("userIds", ids.apply(List.of(bob.id(), carol.id())))),
        details.apply("team.members_added"), "those added, once: the add of no one is no event");

    assertEquals(204, org.send(HttpMethod.DELETE, teamPath + "/users/" + carol.id(), owner.token(), null).statusCode());
    assertEquals(new JsonArray().add(new JsonObject().put("userId", carol.id())), details.apply("team.member_removed"));

    assertEquals(200, org.send(HttpMethod.PUT, teamPath, owner.token(), new JsonObject().put("name", "crew")
        .put("userIds", new JsonArray().add(owner.id()).add(carol.id()))).statusCode());
    assertEquals(new JsonArray().add(new JsonObject().put("userIdsAdded", ids.apply(List.of(carol.id())))
        .put("userIdsRemoved", ids.apply(List.of(bob.id())))), details.apply("team.updated"));
  }

  /**
   * A team's {@code team.updated} names each field a patch or an import changed, {@code {before, after}}, as
   * {@code organization.updated} does, and {@code team.deleted} the name of the team gone (both said nothing).
   */
  @Test
  void teamEventsNameTheFieldsChangedAndTheDeletedTeamsName() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var teamId = UUID.randomUUID().toString();
    var teamPath = "/v1/organizations/" + id + "/groups/" + teamId;
    Function<String, List<JsonObject>> details = action -> org.audited(owner.token(), id, action).stream()
        .map(event -> ((JsonObject) event).getJsonObject("details")).toList();
    Function<Object, JsonObject> was = before -> new JsonObject().put("before", before);
    assertEquals(201, org.send(HttpMethod.PUT, teamPath, owner.token(), new JsonObject().put("name", "crew")
        .put("title", "Crew").put("userIds", new JsonArray())).statusCode());

    assertEquals(200, org.send(HttpMethod.PATCH, teamPath, owner.token(), new JsonObject().put("name", "ops")
        .put("title", "Crew").put("metadata", new JsonObject().put("k", 1))).statusCode());
    assertEquals(new JsonObject().put("name", was.apply("crew").put("after", "ops"))
            .put("metadata", was.apply(new JsonObject()).put("after", new JsonObject().put("k", 1))),
        details.apply("team.updated").get(0), "the fields changed, not the title sent as it was");

    assertEquals(200, org.send(HttpMethod.PUT, teamPath, owner.token(), new JsonObject().put("name", "ops")
        .put("title", "Operations").put("metadata", new JsonObject().put("k", 1)).put("userIds", new JsonArray()))
        .statusCode());
    assertEquals(new JsonObject().put("title", was.apply("Crew").put("after", "Operations"))
            .put("userIdsAdded", new JsonArray()).put("userIdsRemoved", new JsonArray()),
        details.apply("team.updated").get(0), "an import's too, beside its members");

    assertEquals(204, org.send(HttpMethod.DELETE, teamPath, owner.token(), null).statusCode());
    assertEquals(List.of(new JsonObject().put("name", "ops")), details.apply("team.deleted"));
  }

  /**
   * Every member lists teams, but only those who may list the organization's members see team members' emails and
   * names: a team must not tell what the member list keeps back.
   */
  @Test
  void onlyThoseWhoListMembersSeeTeamMembersEmailsAndNames() {
    var owner = org.newUser("owner");
    var member = org.newUser("member");
    var id = newOrg(owner);
    org.addMembers(id, List.of(member.id()), "member");
    var teamId = org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "ops")
        .put("userIds", new JsonArray().add(owner.id()).add(member.id()))).bodyAsJsonObject().getString("id");
    var members = "/v1/organizations/" + id + "/groups/" + teamId + "/users";
    assertProblem(org.get("/v1/organizations/" + id + "/users", member.token()), 403, "forbidden");
    assertEquals(new JsonArray(Stream.of(owner.id(), member.id()).sorted()
            .map(userId -> new JsonObject().put("userId", userId)).toList()),
        org.get(members, member.token()).bodyAsJsonObject().getJsonArray("items"), "a member sees the ids alone");
    assertEquals(new JsonObject().put("userId", owner.id()),
        org.get(members + "/" + owner.id(), member.token()).bodyAsJsonObject());
    var seenByOwner = org.get(members + "/" + member.id(), owner.token()).bodyAsJsonObject();
    assertEquals(member.email(), seenByOwner.getString("email"));
    assertEquals("member", seenByOwner.getString("name"));
  }

  /**
   * A service user, a member without an address, may be in a team: the document admits its {@code email} null there,
   * as for a user (it had a team member's email a string, which such a member's answer broke).
   */
  @Test
  void aServiceUserInATeamIsShownWithoutAnAddressAsTheDocumentSays() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var robot = org.post("/v1/organizations/" + id + "/service-users", owner.token(), new JsonObject()
        .put("name", "robot").put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var teamId = org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "bots")
        .put("userIds", new JsonArray().add(robot))).bodyAsJsonObject().getString("id");

    var member = org.get("/v1/organizations/" + id + "/groups/" + teamId + "/users/" + robot, owner.token())
        .bodyAsJsonObject();
    assertTrue(member.containsKey("email") && member.getValue("email") == null, member.encode());
    var documented = OpenApiRoutes.load().document().getJsonObject("components").getJsonObject("schemas")
        .getJsonObject("TeamMember").getJsonObject("properties").getJsonObject("email");
    assertEquals(new JsonArray().add("string").add("null"), documented.getValue("type"), documented.encode());
  }

  /**
   * An import waits for a change of the team under way and compares with the team as that change left it: an import
   * naming the team as it was before the change replaces it, where it was once answered unchanged and the change
   * stayed.
   */
  @Test
  void anImportComparesWithTheTeamAsAChangeCommittedMeanwhileLeftIt() throws Exception {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var teamId = UUID.randomUUID().toString();
    var path = "/v1/organizations/" + id + "/groups/" + teamId;
    var team = new JsonObject().put("name", "imported").put("title", "as imported")
        .put("userIds", new JsonArray().add(owner.id()));
    assertEquals(201, org.send(HttpMethod.PUT, path, owner.token(), team).statusCode());
    try (var change = UncommittedTransaction.begin(org.db())) {
      change.run("UPDATE org.teams SET title = 'changed meanwhile' WHERE org_id = ?::uuid AND id = ?::uuid", id,
          teamId);
      var imported = change.commitOnceWaitedFor(() -> org.send(HttpMethod.PUT, path, owner.token(), team));
      assertEquals(200, imported.statusCode(), imported.bodyAsString());
      assertEquals("updated", imported.getHeader("Orgplane-Import-Result"));
    }
    assertEquals("as imported", org.get(path, owner.token()).bodyAsJsonObject().getString("title"));
  }

  @Test
  void anotherOrganizationsTeamLooksMissing() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var aliceOrg = newOrg(alice);
    var bobOrg = newOrg(bob);
    var bobTeam = org.post("/v1/organizations/" + bobOrg + "/groups", bob.token(), new JsonObject().put("name", "secret"))
        .bodyAsJsonObject().getString("id");
    assertProblem(org.get("/v1/organizations/" + aliceOrg + "/groups/" + bobTeam, alice.token()), 404, "group_not_found");
    assertProblem(org.post("/v1/organizations/" + aliceOrg + "/groups/" + bobTeam + "/users", alice.token(),
        new JsonObject().put("userIds", new JsonArray().add(alice.id()))), 404, "group_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + aliceOrg + "/groups/" + bobTeam, alice.token(), null),
        404, "group_not_found");
    assertProblem(org.get("/v1/organizations/" + bobOrg + "/groups", alice.token()), 404, "organization_not_found");
  }

  @Test
  void anotherOrganizationsTeamIsNeitherChangedNorListedThroughOnesOwn() {
    var alice = org.newUser("alice");
    var bob = org.newUser("bob");
    var aliceOrg = newOrg(alice);
    var bobOrg = newOrg(bob);
    var bobTeam = org.post("/v1/organizations/" + bobOrg + "/groups", bob.token(), new JsonObject().put("name", "secret")
        .put("userIds", new JsonArray().add(bob.id()))).bodyAsJsonObject().getString("id");
    var before = org.get("/v1/organizations/" + bobOrg + "/groups/" + bobTeam, bob.token()).bodyAsJsonObject();

    assertProblem(org.send(HttpMethod.PATCH, "/v1/organizations/" + aliceOrg + "/groups/" + bobTeam, alice.token(),
        new JsonObject().put("title", "Taken over")), 404, "group_not_found");
    assertProblem(org.get("/v1/organizations/" + aliceOrg + "/groups/" + bobTeam + "/users", alice.token()), 404,
        "group_not_found");
    assertProblem(org.send(HttpMethod.DELETE, "/v1/organizations/" + aliceOrg + "/groups/" + bobTeam + "/users/"
        + bob.id(), alice.token(), null), 404, "group_not_found");

    assertEquals(before, org.get("/v1/organizations/" + bobOrg + "/groups/" + bobTeam, bob.token()).bodyAsJsonObject());
    assertEquals(1, org.get("/v1/organizations/" + bobOrg + "/groups/" + bobTeam + "/users", bob.token())
        .bodyAsJsonObject().getJsonArray("items").size(), "Bob is still in his team");
  }

  @Test
  void onlyThoseWhoManageTeamsMakeThemAndOnlyOfMembers() {
    var owner = org.newUser("owner");
    var viewer = org.newUser("viewer");
    var stranger = org.newUser("stranger");
    var id = newOrg(owner);
    org.addMembers(id, List.of(viewer.id()), "viewer");

    assertProblem(org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "mixed")
        .put("userIds", new JsonArray().add(owner.id()).add(stranger.id()))), 422, "not_a_member");
    assertProblem(org.post("/v1/organizations/" + id + "/groups", viewer.token(), new JsonObject().put("name", "viewers")),
        403, "forbidden");

    assertEquals(0, org.get("/v1/organizations/" + id + "/groups", owner.token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "no team was made");
  }

  /**
   * A member removed between the check that everyone named is a member and the write is refused as any non-member
   * (422 {@code not_a_member}, naming them), by adding to a team, making one or importing one: the write's foreign key
   * met the membership gone, once 409 {@code reference_gone}, which these routes do not answer.
   */
  @Test
  void aMemberRemovedMeanwhileIsRefusedAsNotAMember() throws Exception {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var teams = "/v1/organizations/" + id + "/groups";
    var teamId = org.post(teams, owner.token(), new JsonObject().put("name", "core")).bodyAsJsonObject().getString("id");
    List<Function<String, HttpResponse<Buffer>>> writes = List.of(
        userId -> org.post(teams + "/" + teamId + "/users", owner.token(),
            new JsonObject().put("userIds", new JsonArray().add(userId))),
        userId -> org.post(teams, owner.token(), new JsonObject().put("name", "made")
            .put("userIds", new JsonArray().add(userId))),
        userId -> org.send(HttpMethod.PUT, teams + "/" + UUID.randomUUID(), owner.token(), new JsonObject()
            .put("name", "imported").put("userIds", new JsonArray().add(userId))));
    for (var write : writes) {
      var member = org.newUser("member");
      org.addMembers(id, List.of(member.id()), "member");
      try (var removal = UncommittedTransaction.begin(org.db())) {
        removal.run("DELETE FROM org.memberships WHERE org_id = ?::uuid AND user_id = ?::uuid", id, member.id());
        var refused = removal.commitOnceWaitedFor(() -> write.apply(member.id()));
        assertProblem(refused, 422, "not_a_member");
        assertTrue(refused.bodyAsString().contains(member.id()), refused.bodyAsString());
      }
    }
    assertEquals(1, org.get(teams, owner.token()).bodyAsJsonObject().getJsonArray("items").size(), "no team was made");
  }

  @Test
  void aTeamIsRenamedOnlyToAValidFreeName() {
    var owner = org.newUser("owner");
    var id = newOrg(owner);
    var teamPath = "/v1/organizations/" + id + "/groups/" + org.post("/v1/organizations/" + id + "/groups",
        owner.token(), new JsonObject().put("name", "support")).bodyAsJsonObject().getString("id");
    assertEquals(201, org.post("/v1/organizations/" + id + "/groups", owner.token(), new JsonObject().put("name", "sales"))
        .statusCode());
    var before = org.get(teamPath, owner.token()).bodyAsJsonObject();

    assertProblem(org.send(HttpMethod.PATCH, teamPath, owner.token(), new JsonObject().put("name", "Bad Name!")), 400,
        "validation_failed");
    assertProblem(org.send(HttpMethod.PATCH, teamPath, owner.token(), new JsonObject().put("userIds", new JsonArray())),
        400, "validation_failed");
    assertProblem(org.send(HttpMethod.PATCH, teamPath, owner.token(), new JsonObject().put("name", "sales")), 409,
        "group_name_taken");

    assertEquals(before, org.get(teamPath, owner.token()).bodyAsJsonObject());
  }
}
