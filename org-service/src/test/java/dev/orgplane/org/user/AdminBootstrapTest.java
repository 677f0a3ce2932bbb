package dev.orgplane.org.user;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
