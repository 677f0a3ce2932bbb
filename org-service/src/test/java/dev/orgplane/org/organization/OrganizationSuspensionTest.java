package dev.orgplane.org.organization;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceHarness.Account;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Disabling and enabling at the three levels: an organization's owners, the admin of its group, a platform admin.
 * Hook deliveries are queued but never sent (the dispatcher waits an hour): the tests read the queue.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationSuspensionTest {

  private OrgServiceHarness org;
  private String platformAdmin;

  @BeforeAll
  void start(Vertx vertx) {
    org = OrgServiceHarness.start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject()
        .put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true").put("ORGPLANE_HOOK_POLL_MILLIS", "3600000"));
    platformAdmin = org.platformAdminToken();
  }

  /** A new organization, its owner and the admin of its group. */
  private record Tenant(String id, Account owner, Account groupAdmin) {
  }

  private Tenant tenant() {
    return tenant(org.newVerifiedUser("owner"), org.newVerifiedUser("group-admin"));
  }

  private Tenant tenant(Account owner, Account groupAdmin) {
    var created = org.createOrg(owner.token(), "susp-" + UUID.randomUUID().toString().substring(0, 8));
    appoint(created.getString("groupId"), groupAdmin.id());
    return new Tenant(created.getString("id"), owner, groupAdmin);
  }

  private void appoint(String groupId, String userId) {
    assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + groupId + "/admins/" + userId,
        platformAdmin, null).statusCode());
  }

  private HttpResponse<Buffer> disable(Tenant tenant, String token, Object body) {
    return org.post("/v1/organizations/" + tenant.id() + "/disable", token, body);
  }

  private HttpResponse<Buffer> enable(Tenant tenant, String token) {
    return org.post("/v1/organizations/" + tenant.id() + "/enable", token, null);
  }

  private static JsonObject reason(String reason) {
    return new JsonObject().put("reason", reason);
  }

  private JsonObject read(Tenant tenant) {
    return org.get("/v1/organizations/" + tenant.id(), tenant.owner().token()).bodyAsJsonObject();
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** An enabled organization: its view has the fields of a disabled one, empty. */
  private static void assertEnabled(JsonObject organization) {
    assertEquals("enabled", organization.getString("state"));
    for (var field : List.of("disabledBy", "disabledAt", "disabledReason")) {
      assertTrue(organization.containsKey(field) && organization.getValue(field) == null, organization.encode());
    }
  }

  @Test
  void anEnabledOrganizationNamesNoDisabler() {
    assertEnabled(org.createOrg(org.newUser("owner").token(), "plain-" + UUID.randomUUID().toString().substring(0, 8)));
  }

  @Test
  void anOwnerDisablesAtTheOrganizationsLevelAndEnablesAgain() {
    var tenant = tenant();
    var before = Instant.now().minusSeconds(1);
    var disabled = ok(disable(tenant, tenant.owner().token(), reason("moving offices")));
    assertEquals("disabled", disabled.getString("state"));
    assertEquals("organization", disabled.getString("disabledBy"));
    assertEquals("moving offices", disabled.getString("disabledReason"));
    assertTrue(Instant.parse(disabled.getString("disabledAt")).isAfter(before), disabled.encode());
    assertEquals(disabled, read(tenant));

    assertEnabled(ok(enable(tenant, tenant.owner().token())));
  }

  /** The case this is for: a suspension the owners did not make is not theirs to lift. */
  @Test
  void anOwnerCannotEnableWhatTheGroupAdminDisabled() {
    var tenant = tenant();
    var suspended = ok(disable(tenant, tenant.groupAdmin().token(), reason("invoice 42 unpaid")));
    assertEquals("group", suspended.getString("disabledBy"));

    assertProblem(enable(tenant, tenant.owner().token()), 403, "suspended_by_operator");
    var seen = read(tenant);
    assertEquals(suspended, seen, "refused, nothing changed; the owner reads why");
    assertEquals("invoice 42 unpaid", seen.getString("disabledReason"));

    ok(enable(tenant, tenant.groupAdmin().token()));
    assertEnabled(read(tenant));
  }

  @Test
  void onlyAPlatformAdminLiftsAPlatformSuspension() {
    var tenant = tenant();
    var suspended = disable(tenant, platformAdmin, null);
    assertEquals("platform", ok(suspended).getString("disabledBy"));
    assertNull(suspended.bodyAsJsonObject().getString("disabledReason"), "no body, no reason");

    assertProblem(enable(tenant, tenant.owner().token()), 403, "suspended_by_operator");
    assertProblem(enable(tenant, tenant.groupAdmin().token()), 403, "suspended_by_operator");
    assertEquals(suspended.getHeader("ETag"), org.get("/v1/organizations/" + tenant.id(), platformAdmin).getHeader("ETag"));

    assertEnabled(ok(enable(tenant, platformAdmin)));
    assertEquals(1, org.audited(platformAdmin, tenant.id(), "organization.enabled").size(), "the refusals wrote nothing");
  }

  @Test
  void aLowerLevelCannotLiftAHigherOneButAHigherLiftsALowerOne() {
    var ownerDisabled = tenant();
    ok(disable(ownerDisabled, ownerDisabled.owner().token(), null));
    assertEnabled(ok(enable(ownerDisabled, ownerDisabled.groupAdmin().token())));

    var groupDisabled = tenant();
    ok(disable(groupDisabled, groupDisabled.groupAdmin().token(), null));
    assertEnabled(ok(enable(groupDisabled, platformAdmin)));

    var ownerDisabledToo = tenant();
    ok(disable(ownerDisabledToo, ownerDisabledToo.owner().token(), null));
    assertEnabled(ok(enable(ownerDisabledToo, platformAdmin)));
  }

  /** An operator suspends an organization its owners had disabled: the suspension is the operator's from then on. */
  @Test
  void aHigherLevelTakesOverADisabledOrganization() throws InterruptedException {
    var tenant = tenant();
    var byOwner = disable(tenant, tenant.owner().token(), reason("holiday"));
    Thread.sleep(5);
    var byGroup = disable(tenant, tenant.groupAdmin().token(), reason("invoice 42 unpaid"));
    assertEquals("group", ok(byGroup).getString("disabledBy"));
    assertEquals("invoice 42 unpaid", byGroup.bodyAsJsonObject().getString("disabledReason"));
    assertNotEquals(byOwner.getHeader("ETag"), byGroup.getHeader("ETag"));
    assertTrue(Instant.parse(byGroup.bodyAsJsonObject().getString("disabledAt"))
        .isAfter(Instant.parse(byOwner.bodyAsJsonObject().getString("disabledAt"))), "the suspension starts now");
    assertProblem(enable(tenant, tenant.owner().token()), 403, "suspended_by_operator");

    var byPlatform = ok(disable(tenant, platformAdmin, null));
    assertEquals("platform", byPlatform.getString("disabledBy"));
    assertNull(byPlatform.getString("disabledReason"), "the reason is the disabler's: a new one without one has none");
    assertProblem(enable(tenant, tenant.groupAdmin().token()), 403, "suspended_by_operator");

    var events = org.audited(platformAdmin, tenant.id(), "organization.disabled");
    assertEquals(List.of("platform", "group", "organization"),
        events.stream().map(e -> ((JsonObject) e).getJsonObject("details").getString("level")).toList());
    assertEquals("invoice 42 unpaid", events.getJsonObject(1).getJsonObject("details").getString("reason"));
  }

  /** Disabling at a level at or below the one that disabled the organization changes nothing: same answer, no event. */
  @Test
  void disablingAnOrganizationDisabledAtThatLevelOrAboveChangesNothing() {
    var tenant = tenant();
    var first = disable(tenant, tenant.groupAdmin().token(), reason("first"));
    for (var token : List.of(tenant.groupAdmin().token(), tenant.owner().token())) {
      var again = disable(tenant, token, reason("second"));
      assertEquals(first.getHeader("ETag"), again.getHeader("ETag"));
      assertEquals(first.bodyAsJsonObject(), ok(again), "level, time and reason stay the first disabler's");
    }
    assertEquals(1, org.audited(platformAdmin, tenant.id(), "organization.disabled").size());

    var enabled = enable(tenant, platformAdmin);
    var enabledAgain = enable(tenant, tenant.owner().token());
    assertEquals(enabled.getHeader("ETag"), enabledAgain.getHeader("ETag"));
    assertEquals(ok(enabled), ok(enabledAgain));
    assertEquals(1, org.audited(platformAdmin, tenant.id(), "organization.enabled").size());
  }

  @Test
  void anOwnerWhoAdministersTheGroupActsAsTheGroupAndSoDoesTheirScopedToken() {
    var tenant = tenant();
    var groupId = read(tenant).getString("groupId");
    appoint(groupId, tenant.owner().id());
    assertEquals("group", ok(disable(tenant, tenant.owner().token(), null)).getString("disabledBy"));
    ok(enable(tenant, tenant.owner().token()));

    var scoped = org.post("/v1/organization-groups/" + groupId + "/organizations/" + tenant.id() + "/token",
        tenant.groupAdmin().token(), null).bodyAsJsonObject().getString("access_token");
    assertEquals("group", ok(disable(tenant, scoped, null)).getString("disabledBy"));
    assertProblem(enable(tenant, org.newUser("owner-only").token()), 404, "organization_not_found");
  }

  @Test
  void aBadReasonIsRefusedToMembersAndHiddenFromOutsiders() {
    var tenant = tenant();
    var bad = List.of(reason("x".repeat(OrganizationStateRoutes.MAX_REASON + 1)), new JsonObject().put("reason", 42),
        new JsonObject().put("why", "typo"), reason("moving\noffices"), reason("\u001b[2Jclear"));
    for (var body : bad) {
      assertProblem(disable(tenant, tenant.owner().token(), body), 400, "validation_failed");
    }
    assertProblem(disable(tenant, tenant.owner().token(), "{not json"), 400, "malformed_json");
    assertProblem(disable(tenant, tenant.owner().token(), "[]"), 400, "malformed_json");
    assertProblem(disable(tenant, org.newUser("outsider").token(), bad.get(0)), 404, "organization_not_found");
    assertEquals("enabled", read(tenant).getString("state"), "nothing was disabled");

    var longest = "ü".repeat(OrganizationStateRoutes.MAX_REASON);
    assertEquals(longest, ok(disable(tenant, tenant.owner().token(), reason(longest))).getString("disabledReason"));
  }

  @Test
  void aMemberWithoutThePermissionNeitherDisablesNorEnables() {
    var tenant = tenant();
    var manager = org.newUser("manager");
    org.addMembers(tenant.id(), List.of(manager.id()), "manager");
    assertProblem(disable(tenant, manager.token(), null), 403, "forbidden");
    ok(disable(tenant, platformAdmin, null));
    assertProblem(enable(tenant, manager.token()), 403, "forbidden");
    assertProblem(enable(tenant, org.newUser("outsider").token()), 404, "organization_not_found");
  }

  /** Hooks hear the level as the audit trail does; a change that is no change is neither audited nor announced. */
  @Test
  void hookEventsSayTheLevel() {
    var tenant = tenant();
    assertEquals(201, org.post("/v1/organizations/" + tenant.id() + "/hooks", tenant.owner().token(), new JsonObject()
        .put("name", "billing").put("url", "http://localhost:9/events").put("secret", "s".repeat(32))
        .put("events", new JsonArray().add("organization.disabled").add("organization.enabled"))).statusCode());
    ok(disable(tenant, tenant.owner().token(), reason("holiday")));
    ok(disable(tenant, platformAdmin, reason("unpaid")));
    assertProblem(enable(tenant, tenant.owner().token()), 403, "suspended_by_operator");
    ok(disable(tenant, tenant.owner().token(), null));
    ok(enable(tenant, platformAdmin));

    var payloads = deliveries(tenant);
    assertEquals(List.of("organization.disabled/organization/holiday", "organization.disabled/platform/unpaid",
        "organization.enabled/platform/null"), payloads.stream().map(p -> p.getString("event") + "/"
        + p.getJsonObject("details").getString("level") + "/" + p.getJsonObject("details").getString("reason")).toList());
    var latest = org.get("/v1/organizations/" + tenant.id() + "/audit-events", platformAdmin).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals(latest.getJsonObject("details"), payloads.get(2).getJsonObject("details"), "as audited");
  }

  /** The payloads queued for the tenant's hooks, in the order queued. */
  private List<JsonObject> deliveries(Tenant tenant) {
    var sql = "SELECT coalesce(json_agg(p.payload ORDER BY d.id), '[]')::text FROM org.hook_deliveries d "
        + "JOIN org.hook_payloads p ON p.id = d.payload_id WHERE d.org_id = '" + tenant.id() + "'";
    try (var conn = DriverManager.getConnection(org.db().jdbcUrl(), org.db().user(), org.db().password());
         var rows = conn.createStatement().executeQuery(sql)) {
      rows.next();
      return new JsonArray(rows.getString(1)).stream().map(JsonObject.class::cast).toList();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Owners, group admin and platform admin disable and enable at once, over and over: whatever the order, a level is
   * never lowered by a lower one, and every change is audited exactly once.
   */
  @Test
  void racingLevelsNeverLowerASuspension() {
    var pool = Executors.newFixedThreadPool(5);
    var owner = org.newUser("owner");
    var groupAdmin = org.newVerifiedUser("group-admin");
    try {
      for (int round = 0; round < 10; round++) {
        var tenant = tenant(owner, groupAdmin);
        var requests = List.<Runnable>of(
            () -> disable(tenant, tenant.owner().token(), null),
            () -> disable(tenant, tenant.groupAdmin().token(), null),
            () -> disable(tenant, platformAdmin, null),
            () -> enable(tenant, tenant.owner().token()),
            () -> enable(tenant, tenant.groupAdmin().token()));
        CompletableFuture.allOf(requests.stream().map(r -> CompletableFuture.runAsync(r, pool))
            .toArray(CompletableFuture[]::new)).join();
        var now = read(tenant);
        assertEquals("disabled", now.getString("state"), "no one below the platform lifts its suspension: " + now);
        assertEquals("platform", now.getString("disabledBy"));
        assertEquals("platform", replay(tenant), "every change was allowed when made, and audited once");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The level the tenant's audit trail ends at (null: enabled), checking on the way that each change was allowed at
   * the level it was made, from the state the one before left.
   */
  private String replay(Tenant tenant) {
    var events = new ArrayList<>(org.allPages("/v1/organizations/" + tenant.id() + "/audit-events", platformAdmin, 100));
    Collections.reverse(events);
    var levels = List.of("organization", "group", "platform");
    String level = null;
    for (var event : events) {
      var at = event.getJsonObject("details").getString("level");
      switch (event.getString("action")) {
        case "organization.disabled" -> {
          assertTrue(level == null || levels.indexOf(level) < levels.indexOf(at), level + " then " + event.encode());
          level = at;
        }
        case "organization.enabled" -> {
          assertTrue(level != null && levels.indexOf(level) <= levels.indexOf(at), level + " then " + event.encode());
          level = null;
        }
        default -> {
        }
      }
    }
    return level;
  }
}
