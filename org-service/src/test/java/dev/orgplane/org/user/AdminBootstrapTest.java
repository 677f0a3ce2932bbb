package dev.orgplane.org.user;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.config.ConfigException;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The platform admin a start makes when there is none. */
class AdminBootstrapTest extends OrgServiceTest {

  /**
   * The account that has the address the operator chose for the admin is promoted, with the operator's password, and
   * its sessions end: the tokens of whoever held the account before would otherwise act as platform admin.
   */
  @Test
  void anAccountPromotedToPlatformAdminStartsWithoutItsOldSessions() {
    var holder = org.newUser("holder");
    var session = org.requestToken(holder.email(), "password-holder-123").bodyAsJsonObject();
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = false");

    var restarted = OrgServiceHarness.start(vertx, org.db(), new JsonObject()
        .put("ORGPLANE_ADMIN_EMAIL", holder.email()).put("ORGPLANE_ADMIN_PASSWORD", "the-operators-own-password"));

    assertProblem(restarted.get("/v1/users/me", holder.token()), 401, "invalid_token");
    assertProblem(restarted.get("/v1/users/me", session.getString("access_token")), 401, "invalid_token");
    assertProblem(restarted.refresh(session.getString("refresh_token")), 400, "invalid_grant");
    assertProblem(restarted.requestToken(holder.email(), "password-holder-123"), 400, "invalid_grant");
    var admin = restarted.token(holder.email(), "the-operators-own-password");
    assertEquals(200, restarted.get("/v1/token-revocations", admin).statusCode(), "a platform admin's read");
  }

  /**
   * The platform admin's password is held to the rule every account's is: the start used to make the most powerful
   * account with a password of one character. The refusal names the setting, never the value.
   */
  @Test
  void anAdminPasswordShorterThanAnyAccountsMayBeStopsTheStart() {
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = false");

    var refused = assertThrows(ConfigException.class, () -> OrgServiceHarness.start(vertx, org.db(),
        new JsonObject().put("ORGPLANE_ADMIN_EMAIL", "short@test.local").put("ORGPLANE_ADMIN_PASSWORD", "x-secret")));

    assertEquals("ORGPLANE_ADMIN_PASSWORD must be 12 to 1024 characters, got 8", refused.getMessage());
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.users WHERE email = 'short@test.local'"));
  }

  /**
   * The password is read only when the admin is made: an install whose admin exists, made before the rule with a
   * shorter password, used to stop at every start once upgraded; it starts, and its admin stays as it was.
   */
  @Test
  void aStartWithItsAdminMadeAlreadyIgnoresAShortAdminPassword() {
    var made = org.newUser("made-before");
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = (id = '" + made.id() + "')");

    var restarted = OrgServiceHarness.start(vertx, org.db(), new JsonObject()
        .put("ORGPLANE_ADMIN_EMAIL", "short@test.local").put("ORGPLANE_ADMIN_PASSWORD", "x-secret"));

    var admin = restarted.token(made.email(), "password-made-before-123");
    assertEquals(200, restarted.get("/v1/token-revocations", admin).statusCode(), "the admin made before signs in");
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.users WHERE email = 'short@test.local'"));
  }

  /** The promotion is audited, by the platform at its start, of no organization (it was recorded nowhere). */
  @Test
  void anAccountPromotedToPlatformAdminIsAudited() {
    var holder = org.newUser("audited-holder");
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = false");

    OrgServiceHarness.start(vertx, org.db(), new JsonObject()
        .put("ORGPLANE_ADMIN_EMAIL", holder.email()).put("ORGPLANE_ADMIN_PASSWORD", "the-operators-own-password"));

    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.audit_events WHERE org_id IS NULL "
        + "AND actor = 'system' AND action = 'user.platform_admin_granted' AND target = 'user:" + holder.id() + "' "
        + "AND details->>'setting' = 'ORGPLANE_ADMIN_EMAIL'"));
  }

  /**
   * A provider's identity linked to the account before would sign in to it as platform admin: the promotion removes
   * the account's links, and only the account's.
   */
  @Test
  void anAccountPromotedToPlatformAdminLosesItsLinksToProvidersIdentities() {
    var holder = org.newUser("linked-holder");
    var other = org.newUser("linked-other");
    PgFixture.execute(org.db(), "UPDATE org.users SET platform_admin = false",
        "INSERT INTO org.external_identities (issuer, subject, user_id) VALUES "
            + "('https://idp.test', 'holder-at-idp', '" + holder.id() + "'), "
            + "('https://other-idp.test', 'holder-elsewhere', '" + holder.id() + "'), "
            + "('https://idp.test', 'someone-else', '" + other.id() + "')");

    OrgServiceHarness.start(vertx, org.db(), new JsonObject()
        .put("ORGPLANE_ADMIN_EMAIL", holder.email()).put("ORGPLANE_ADMIN_PASSWORD", "the-operators-own-password"));

    assertEquals(0, PgFixture.queryLong(org.db(),
        "SELECT count(*) FROM org.external_identities WHERE user_id = '" + holder.id() + "'"));
    assertEquals(1, PgFixture.queryLong(org.db(),
        "SELECT count(*) FROM org.external_identities WHERE user_id = '" + other.id() + "'"), "another's link stays");
  }
}
