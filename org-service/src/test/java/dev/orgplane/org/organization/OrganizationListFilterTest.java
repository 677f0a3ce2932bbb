package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /v1/organizations?provisionedFrom=&metadata.<key>=}, with the list's other filters and its pages; and
 * the lists of organizations refusing query parameters they do not read.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationListFilterTest {

  private OrgServiceHarness org;
  private PgUrl db;
  private String admin;
  private OrgServiceHarness.Account owner;
  private OrgServiceHarness.Account stranger;
  private final UUID template = UUID.randomUUID();

  @BeforeAll
  void start(Vertx vertx) {
    db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    org = OrgServiceHarness.start(vertx, db);
    admin = org.platformAdminToken();
    owner = org.newUser("owner");
    stranger = org.newUser("stranger");
    // the default meta-schema takes labels and a description only; these tests want strings, numbers, objects
    assertEquals(200, org.send(HttpMethod.PUT, "/v1/meta-schemas/organization", admin,
        new JsonObject().put("type", "object")).statusCode());
    create(owner, "f-alpha", new JsonObject().put("tier", "gold").put("region", "eu"));
    create(owner, "f-beta", new JsonObject().put("tier", "gold").put("region", "us"));
    create(owner, "f-gamma", new JsonObject().put("tier", "silver").put("size", 5));
    create(owner, "f-delta", new JsonObject().put("size", "5").put("nested", new JsonObject().put("tier", "gold")));
    create(stranger, "f-strange", new JsonObject().put("tier", "gold"));
    create(owner, "f-labelled", new JsonObject().put("tier", "platinum").put("labels", new JsonObject().put("env", "prod")
        .put("app.kubernetes.io/name", "billing")));
    create(owner, "f-staging", new JsonObject().put("labels", new JsonObject().put("env", "staging")));
    create(owner, "f-cased", new JsonObject().put("labels", new JsonObject().put("Team", "x").put("team", "y")));
    // as the provisioning engine records a copy: {templateId, jobId}, in lower case
    PgFixture.execute(db, "UPDATE org.organizations SET provisioned_from = jsonb_build_object('templateId', '"
        + template + "', 'jobId', gen_random_uuid()::text) WHERE name IN ('f-beta', 'f-gamma', 'f-strange')",
        "UPDATE org.organizations SET provisioned_from = jsonb_build_object('templateId', gen_random_uuid()::text, "
            + "'jobId', gen_random_uuid()::text) WHERE name = 'f-delta'");
  }

  private void create(OrgServiceHarness.Account account, String name, JsonObject metadata) {
    var created = org.post("/v1/organizations", account.token(), new JsonObject().put("name", name)
        .put("title", name).put("metadata", metadata));
    assertEquals(201, created.statusCode(), created.bodyAsString());
  }

  private List<String> names(String query, String token) {
    return org.allPages("/v1/organizations?" + query, token, 1).stream().map(o -> o.getString("name")).toList();
  }

  @Test
  void metadataFiltersMatchTopLevelStringsAndAllMustHold() {
    assertEquals(List.of("f-alpha", "f-beta"), names("metadata.tier=gold", owner.token()));
    assertEquals(List.of("f-alpha"), names("metadata.tier=gold&metadata.region=eu", owner.token()));
    assertEquals(List.of("f-delta"), names("metadata.size=5", owner.token()), "the string, not the number 5");
    assertEquals(List.of(), names("metadata.tier=Gold", owner.token()), "exact");
    assertEquals(List.of(), names("metadata.missing=x", owner.token()));
    assertEquals(List.of("f-alpha"), names("metadata.tier=gold&q=alph&state=enabled", owner.token()));
  }

  @Test
  void aMetadataKeyMayHoldAnyCharacters() {
    var odd = "a key.with dots & spaces";
    create(owner, "f-odd", new JsonObject().put(odd, "v=1&x"));
    assertEquals(List.of("f-odd"), names(encoded("metadata." + odd) + "=" + encoded("v=1&x"), owner.token()));
  }

  private static String encoded(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void provisionedFromListsTheCopiesOfATemplate() {
    assertEquals(List.of("f-beta", "f-gamma"), names("provisionedFrom=" + template, owner.token()));
    assertEquals(List.of("f-beta", "f-gamma"), names("provisionedFrom=" + template.toString().toUpperCase(),
        owner.token()), "a UUID in any letter case");
    assertEquals(List.of("f-beta"), names("provisionedFrom=" + template + "&metadata.tier=gold", owner.token()));
    assertEquals(List.of(), names("provisionedFrom=" + UUID.randomUUID(), owner.token()));
  }

  @Test
  void filtersNeverShowAnotherTenantsOrganizations() {
    assertEquals(List.of("f-strange"), names("metadata.tier=gold", stranger.token()));
    assertEquals(List.of("f-strange"), names("provisionedFrom=" + template, stranger.token()));
    assertEquals(List.of("f-alpha", "f-beta", "f-strange"), names("metadata.tier=gold", admin), "platform admins: all");
    assertEquals(List.of("f-beta", "f-gamma", "f-strange"), names("provisionedFrom=" + template, admin));
  }

  /**
   * A cursor is a place in name order, whatever the filters that handed it out: with others it continues those
   * after the same name, so a client that changes its filters starts again without one.
   */
  @Test
  void aCursorIsAPlaceInNameOrder() {
    var first = org.get("/v1/organizations?limit=1", owner.token()).bodyAsJsonObject();
    assertEquals("f-alpha", first.getJsonArray("items").getJsonObject(0).getString("name"));
    var next = org.get("/v1/organizations?limit=5&metadata.tier=gold&cursor=" + first.getString("nextCursor"),
        owner.token()).bodyAsJsonObject();
    assertEquals(List.of("f-beta"), next.getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("name"))
        .toList());
  }

  /** Labels, the default meta-schema's map of strings, by key: keys with dots are one key, not a path. */
  @Test
  void labelsFilterByKey() {
    assertEquals(List.of("f-labelled"), names("label.env=prod", owner.token()));
    assertEquals(List.of("f-labelled"), names(encoded("label.app.kubernetes.io/name") + "=billing", owner.token()));
    assertEquals(List.of("f-labelled"), names("label.env=prod&metadata.tier=platinum", owner.token()));
    assertEquals(List.of(), names("label.env=prod&metadata.tier=gold", owner.token()));
    assertEquals(List.of("f-staging"), names("label.env=staging", owner.token()));
    assertEquals(List.of(), names("label.tier=platinum", owner.token()), "a label, not a top-level key");
  }

  /** Keys are text as written: two that differ only in case are two filters, both to hold. */
  @Test
  void keysDifferingOnlyInCaseFilterTogether() {
    assertEquals(List.of("f-cased"), names("label.Team=x&label.team=y", owner.token()));
    assertEquals(List.of(), names("label.Team=y&label.team=x", owner.token()));
  }

  @Test
  void badFiltersAreRefused() {
    assertProblem(org.get("/v1/organizations?provisionedFrom=template-1", owner.token()), 400, "invalid_filter");
    assertProblem(org.get("/v1/organizations?metadata.=gold", owner.token()), 400, "invalid_filter");
    assertProblem(org.get("/v1/organizations?label.=prod", owner.token()), 400, "invalid_filter");
    assertProblem(org.get("/v1/organizations?metadata.labels=x&label.env=prod", owner.token()), 400, "invalid_filter");
    assertProblem(org.get("/v1/organizations?metadata.tier=gold&metadata.tier=silver", owner.token()), 400,
        "repeated_parameter");
  }

  @Test
  void listsOfOrganizationsRefuseParametersTheyDoNotRead() {
    var typo = org.get("/v1/organizations?metdata.tier=gold&stat=enabled", owner.token());
    assertProblem(typo, 400, "unknown_parameter");
    assertEquals(List.of("metdata.tier", "stat"), typo.bodyAsJsonObject().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("field")).toList());
    assertProblem(org.get("/v1/organizations?metadata=gold", owner.token()), 400, "unknown_parameter");
    assertProblem(org.get("/v1/users/me/organizations?q=alpha", owner.token()), 400, "unknown_parameter");
    var group = org.get("/v1/organizations/f-alpha", owner.token()).bodyAsJsonObject().getString("groupId");
    assertProblem(org.get("/v1/organization-groups/" + group + "/organizations?state=enabled", admin), 400,
        "unknown_parameter");
    assertEquals(200, org.get("/v1/organization-groups/" + group + "/organizations?limit=1&cursor=", admin)
        .statusCode());
  }
}
