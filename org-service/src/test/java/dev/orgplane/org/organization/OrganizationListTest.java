package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.CursorPages;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/organizations} for callers in many organizations and in few: the list takes a
 * different way to each (see OrganizationRepository.list), and both must give the same pages.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationListTest {

  private static final int MANY = 1_100;

  private OrgServiceHarness org;
  private PgUrl db;
  private OrgServiceHarness.Account heavy;
  private OrgServiceHarness.Account light;
  private OrgServiceHarness.Account groupAdmin;
  private final UUID group = UUID.randomUUID();

  @BeforeAll
  void start(Vertx vertx) {
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db);
    heavy = org.newUser("heavy");
    light = org.newUser("light");
    groupAdmin = org.newUser("groupadmin");
    // the heavy user owns MANY organizations of one group; the light user is in two of them, and the
    // group admin runs the group without being a member anywhere
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('" + group + "', 'many')",
        "INSERT INTO org.organizations (id, name, title, group_id) SELECT md5('org' || n)::uuid, "
            + "'many-' || lpad(n::text, 4, '0'), 'Many ' || n, '" + group + "' FROM generate_series(1, " + MANY + ") n",
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT id, '" + heavy.id() + "', '{owner}' "
            + "FROM org.organizations WHERE group_id = '" + group + "'",
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT id, '" + light.id() + "', '{member}' "
            + "FROM org.organizations WHERE name IN ('many-0700', 'many-0007')",
        "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + group + "', '" + groupAdmin.id() + "')");
  }

  @Test
  void someoneInManyOrganizationsPagesThroughAllOfThemInNameOrder() {
    var names = allNames("/v1/organizations?limit=500", heavy.token());
    assertEquals(MANY, names.size());
    assertEquals("many-0001", names.get(0));
    assertEquals(names.stream().sorted().distinct().toList(), names, "in name order, each once");
    assertEquals(List.of("many-1100"), allNames("/v1/organizations?q=many-110", heavy.token()));
  }

  /**
   * Name-sorted lists refuse a cursor they did not hand out, as id-sorted ones do (until session 19: an empty page),
   * and one that decodes to text all the same: until session 33 a name of the client's own, or an id-sorted list's
   * cursor, started the page wherever it sorted (an id before every name: page one again).
   */
  @Test
  void aNameSortedListRefusesACursorItDidNotHandOut() {
    var lists = List.of(List.of("/v1/organizations", heavy.token()), List.of("/v1/users/me/organizations", heavy.token()),
        List.of("/v1/organizations/many-0007/roles", heavy.token()),
        List.of("/v1/organizations/many-0007/groups", heavy.token()),
        List.of("/v1/organization-groups/" + group + "/organizations", groupAdmin.token()));
    var encoder = Base64.getUrlEncoder().withoutPadding();
    var idCursor = encoder.encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    // not base64url as we write it, a NUL (no text PostgreSQL takes), no UTF-8, a bare name, an id
    for (var cursor : List.of("garbage", "AA", "_w", "bWFueS0wMDA3==", "bWFueS0wMDA3", idCursor)) {
      for (var list : lists) {
        assertProblem(org.get(list.get(0) + "?cursor=" + cursor, list.get(1)), 400, "invalid_cursor");
      }
    }
    var first = org.get("/v1/organizations?limit=1", light.token()).bodyAsJsonObject();
    assertEquals(List.of("many-0700"), org.get("/v1/organizations?limit=1&cursor=" + first.getString("nextCursor"),
        light.token()).bodyAsJsonObject().getJsonArray("items").stream()
        .map(item -> ((JsonObject) item).getString("name")).toList(), "the cursor the list handed out");
  }

  @Test
  void someoneInFewOrganizationsSeesJustThose() {
    assertEquals(List.of("many-0007", "many-0700"), allNames("/v1/organizations?limit=1", light.token()));
    assertEquals(List.of("many-0700"), allNames("/v1/organizations?q=0700", light.token()));
    assertEquals(List.of(), allNames("/v1/organizations?state=disabled", light.token()));
  }

  /**
   * A member whose roles cannot read an organization (a custom role for teams only) is refused its GET, and its list
   * leaves it out too, by either way to the page: it was listed, whole. A custom role that reads it shows it.
   */
  @Test
  void aMemberWhoseRolesCannotReadAnOrganizationIsNotListedIt() {
    var few = org.newUser("fewroles");
    var many = org.newUser("manyroles");
    var customRole = "INSERT INTO org.roles (id, org_id, name, permissions) SELECT gen_random_uuid(), id, '%s', '{%s}' "
        + "FROM org.organizations WHERE name IN ('many-0005', 'many-0500', 'many-0050')";
    PgFixture.execute(db, customRole.formatted("teamlister", "app_team_list"),
        customRole.formatted("reader", "app_organization_get"),
        "INSERT INTO org.memberships (org_id, user_id, roles) SELECT o.id, u.id, CASE WHEN o.name IN ('many-0005', "
            + "'many-0500') THEN ARRAY['teamlister'] WHEN o.name = 'many-0050' THEN ARRAY['reader'] "
            + "ELSE ARRAY['viewer'] END "
            + "FROM org.organizations o, (VALUES ('" + few.id() + "'::uuid), ('" + many.id() + "'::uuid)) u (id) "
            + "WHERE o.group_id = '" + group + "' AND (u.id = '" + many.id() + "' OR o.name IN ('many-0005', "
            + "'many-0050', 'many-0500', 'many-0600'))");
    assertProblem(org.get("/v1/organizations/many-0005", few.token()), 403, "forbidden");

    assertEquals(List.of("many-0050", "many-0600"), allNames("/v1/organizations?limit=1", few.token()));
    var listed = allNames("/v1/organizations?limit=500", many.token());
    assertEquals(MANY - 2, listed.size());
    assertEquals(List.of(), listed.stream().filter(name -> name.equals("many-0005") || name.equals("many-0500"))
        .toList());
    assertEquals(List.of("many-0050"), allNames("/v1/organizations?q=many-0050", many.token()));
  }

  @Test
  void aGroupAdminSeesTheGroupsOrganizations() {
    assertEquals(MANY, allNames("/v1/organizations?limit=500", groupAdmin.token()).size());
    assertEquals(List.of("many-0042"), allNames("/v1/organizations?q=many-0042&groupId=" + group, groupAdmin.token()));
  }

  /** Both ways to a member's page, and the platform admin's, apply the metadata and template filters alike. */
  @Test
  void everyWayToAPageFiltersByMetadataAndTemplate() {
    var template = UUID.randomUUID();
    PgFixture.execute(db, "UPDATE org.organizations SET metadata = '{\"labels\": {\"tier\": \"gold\"}, "
        + "\"description\": \"gold\"}' WHERE name IN ('many-0007', 'many-0999')",
        "UPDATE org.organizations SET provisioned_from = jsonb_build_object('templateId', '" + template
            + "', 'jobId', gen_random_uuid()::text) WHERE name IN ('many-0700', 'many-0800')");
    var admin = org.platformAdminToken();
    for (var token : List.of(heavy.token(), groupAdmin.token(), admin)) {
      assertEquals(List.of("many-0007", "many-0999"), allNames("/v1/organizations?limit=1&metadata.description=gold",
          token));
      assertEquals(List.of("many-0700", "many-0800"), allNames("/v1/organizations?limit=1&provisionedFrom=" + template,
          token));
    }
    assertEquals(List.of("many-0007"), allNames("/v1/organizations?metadata.description=gold", light.token()));
    assertEquals(List.of("many-0700"), allNames("/v1/organizations?provisionedFrom=" + template, light.token()));
    assertEquals(List.of(), allNames("/v1/organizations?metadata.tier=gold", heavy.token()), "top-level keys only");
  }

  @Test
  void aScopedTokenListsItsOrganizationWhereverItSortsAndNothingElse() {
    var target = org.get("/v1/organizations/many-0999", groupAdmin.token()).bodyAsJsonObject().getString("id");
    var scoped = org.post("/v1/organization-groups/" + group + "/organizations/" + target + "/token",
        groupAdmin.token(), null).bodyAsJsonObject().getString("access_token");
    assertEquals(List.of("many-0999"), allNames("/v1/organizations?limit=5", scoped));
    assertEquals(List.of(), allNames("/v1/organizations?q=many-0001", scoped));
  }

  @Test
  void everyWayToAPagePagesByIdWhenAsked() {
    var ids = allIds("/v1/organizations?order=id&limit=500", heavy.token());
    assertEquals(MANY, ids.size());
    assertEquals(ids.stream().sorted().distinct().toList(), ids, "in id order, each once");
    assertEquals(MANY, allIds("/v1/organizations?order=id&limit=500&groupId=" + group, groupAdmin.token()).size());
    var few = allIds("/v1/organizations?order=id&limit=1", light.token());
    assertEquals(few.stream().sorted().toList(), few);
    assertEquals(2, few.size());
    assertProblem(org.get("/v1/organizations?order=title", heavy.token()), 400, "invalid_order");
    // a name is no place in id order
    assertProblem(org.get("/v1/organizations?order=id&cursor=bWFueS0wMDA3", heavy.token()), 400, "invalid_cursor");
  }

  /** By name, a rename moves an organization past the cursor or back before it; by id, it changes no page. */
  @Test
  void aRenameWhilePagingByIdNeitherSkipsNorRepeats() {
    var renamed = UUID.fromString("00000000-0000-0000-0000-000000000001");
    var others = List.of(UUID.fromString("00000000-0000-0000-0000-000000000002"),
        UUID.fromString("00000000-0000-0000-0000-000000000003"));
    var renamedGroup = UUID.randomUUID();
    PgFixture.execute(db, "INSERT INTO org.organization_groups (id, name) VALUES ('" + renamedGroup + "', 'renamed')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES ('" + renamed + "', 'renamed-a', 'A', '"
            + renamedGroup + "'), ('" + others.get(0) + "', 'renamed-b', 'B', '" + renamedGroup + "'), ('"
            + others.get(1) + "', 'renamed-c', 'C', '" + renamedGroup + "')");
    var first = "/v1/organizations?order=id&limit=1&groupId=" + renamedGroup;
    var admin = org.platformAdminToken();
    var page = org.get(first, admin).bodyAsJsonObject();
    assertEquals(renamed.toString(), page.getJsonArray("items").getJsonObject(0).getString("id"));
    // renamed to sort last by name: read by name from here, it would come again
    PgFixture.execute(db, "UPDATE org.organizations SET name = 'renamed-z' WHERE id = '" + renamed + "'");
    var rest = all(first, page.getString("nextCursor"), admin, "id");
    assertEquals(others.stream().map(UUID::toString).toList(), rest);
  }

  @Test
  void theCallersMembershipsComePageByPageWithTheirRoles() {
    var heavyNames = allNames("/v1/users/me/organizations?limit=500", heavy.token());
    assertEquals(MANY, heavyNames.size());
    assertEquals(heavyNames.stream().sorted().distinct().toList(), heavyNames, "in name order, each once");
    assertEquals(List.of("many-0007", "many-0700"), allNames("/v1/users/me/organizations?limit=1", light.token()));
    var first = org.get("/v1/users/me/organizations", light.token()).bodyAsJsonObject().getJsonArray("items");
    assertEquals("member", first.getJsonObject(0).getJsonArray("roles").getString(0));
    assertEquals(List.of(), allNames("/v1/users/me/organizations", groupAdmin.token()), "running a group is no membership");
    OrgServiceHarness.assertProblem(org.get("/v1/users/me/organizations?limit=0", light.token()), 400, "invalid_limit");
  }

  /** By id when asked, by either way to the page: what a rename between pages cannot move. */
  @Test
  void theCallersMembershipsComeByIdWhenAsked() {
    var heavyIds = allIds("/v1/users/me/organizations?order=id&limit=500", heavy.token());
    assertEquals(MANY, heavyIds.size());
    assertEquals(heavyIds.stream().sorted().distinct().toList(), heavyIds, "in id order, each once");
    var lightIds = allIds("/v1/users/me/organizations?order=id&limit=1", light.token());
    assertEquals(allIds("/v1/users/me/organizations", light.token()).stream().sorted().toList(), lightIds);
    OrgServiceHarness.assertProblem(org.get("/v1/users/me/organizations?order=title", light.token()), 400,
        "invalid_order");
  }

  @Test
  void aScopedTokensMembershipsAreItsOneOrganization() {
    // the heavy user also runs the group, so it may have a token scoped to one of its organizations
    PgFixture.execute(db, "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + group + "', '" + heavy.id()
        + "') ON CONFLICT DO NOTHING");
    var target = org.get("/v1/organizations/many-0999", heavy.token()).bodyAsJsonObject().getString("id");
    var scoped = org.post("/v1/organization-groups/" + group + "/organizations/" + target + "/token",
        heavy.token(), null).bodyAsJsonObject().getString("access_token");
    assertEquals(List.of("many-0999"), allNames("/v1/users/me/organizations?limit=2", scoped));
  }

  private List<String> allNames(String firstPage, String token) {
    return all(firstPage, null, token, "name");
  }

  private List<String> allIds(String firstPage, String token) {
    return all(firstPage, null, token, "id");
  }

  /** The {@code field} of every item, page after page of {@code firstPage}, from {@code cursor} (null: the first). */
  private List<String> all(String firstPage, String cursor, String token, String field) {
    var separator = firstPage.contains("?") ? "&" : "?";
    return CursorPages.all(next -> {
      var at = next == null ? cursor : next;
      var response = org.get(at == null ? firstPage : firstPage + separator + "cursor=" + at, token);
      assertEquals(200, response.statusCode(), response.bodyAsString());
      return response.bodyAsJsonObject();
    }).stream().map(item -> item.getString(field)).toList();
  }
}
