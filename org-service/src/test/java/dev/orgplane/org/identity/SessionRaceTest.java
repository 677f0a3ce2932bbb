package dev.orgplane.org.identity;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A sign-in with the old password and a refresh, both racing a password change: whichever commits first, no
 * session made by them outlives the change, neither its refresh token nor its access token (until session 18 the
 * access token of one that went first outlived it: the change's second was taken before it waited for them). The user's row is held locked while all three reach it, so they meet
 * there, in whatever order the database lets them go on.
 */
class SessionRaceTest extends OrgServiceTest {

  @Test
  void aSignInOrRefreshRacingAPasswordChangeKeepsNoSession() throws Exception {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var own = OrgServiceHarness.start(vertx, db);
    var alice = own.newUser("alice");
    var oldPassword = "password-alice-123";
    var refreshToken = own.requestToken(alice.email(), oldPassword).bodyAsJsonObject().getString("refresh_token");
    var lock = Database.open(vertx, db, 1, List.of()).await().getConnection().await();
    lock.query("BEGIN").execute().await();
    lock.query("SELECT 1 FROM org.users WHERE id = '" + alice.id() + "' FOR UPDATE").execute().await();

    var client = WebClient.create(vertx);
    var refresh = token(client, own, MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("refresh_token", refreshToken));
    var signIn = token(client, own, MultiMap.caseInsensitiveMultiMap().add("grant_type", "password")
        .add("username", alice.email()).add("password", oldPassword));
    var change = client.put(own.port(), "127.0.0.1", "/v1/users/me/password").bearerTokenAuthentication(alice.token())
        .sendJsonObject(new JsonObject().put("currentPassword", oldPassword).put("password", "a-new-password-456"));
    Thread.sleep(1500);
    lock.query("COMMIT").execute().await();
    Future.join(refresh, signIn, change).otherwiseEmpty().await();

    assertEquals(200, change.result().statusCode(), change.result().bodyAsString());
    for (var raced : List.of(refresh, signIn)) {
      var answer = raced.result();
      if (answer.statusCode() == 200) {
        assertProblem(own.refresh(answer.bodyAsJsonObject().getString("refresh_token")), 400, "invalid_grant");
        assertProblem(own.get("/v1/users/me", answer.bodyAsJsonObject().getString("access_token")), 401,
            "invalid_token");
      } else {
        assertEquals(400, answer.statusCode(), answer.bodyAsString());
      }
    }
    assertEquals(200, own.get("/v1/users/me", change.result().bodyAsJsonObject().getString("access_token"))
        .statusCode(), "the session the change itself made goes on");
    assertEquals(200, own.refresh(change.result().bodyAsJsonObject().getString("refresh_token")).statusCode());
  }

  private static Future<HttpResponse<Buffer>> token(WebClient client, OrgServiceHarness own, MultiMap form) {
    return client.post(own.port(), "127.0.0.1", "/v1/auth/token").sendForm(form);
  }
}
