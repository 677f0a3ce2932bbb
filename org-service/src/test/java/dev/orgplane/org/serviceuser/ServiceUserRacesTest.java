package dev.orgplane.org.serviceuser;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.TrustedProvider;
import dev.orgplane.org.TrustingOrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Service users and their credentials change under the organization's row, as roles do: a manager demoted by a
 * transaction that held the row while the request waited for it acts as the member they now are, not as the
 * manager the request's first statement saw. The rival commits once the request waits for it.
 */
class ServiceUserRacesTest extends TrustingOrgServiceTest {

  private static final String HOLD_ORGANIZATION = "SELECT FROM org.organizations WHERE id = ?::uuid FOR UPDATE";

  @Test
  void aManagerDemotedMeanwhileChangesNoServiceUserNorCredential() throws Exception {
    var owner = trusting.newUser("owner");
    var orgId = trusting.createOrg(owner.token(), "svc-race-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = trusting.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles",
        new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var clientId = trusting.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject()
        .getString("clientId");
    var federated = base + "/" + sid + "/federated-credentials";
    var federatedId = trusting.post(federated, owner.token(), new JsonObject().put("issuer", TrustedProvider.ISSUER)
        .put("subject", "ci-" + UUID.randomUUID())).bodyAsJsonObject().getString("id");

    List<Function<String, HttpResponse<Buffer>>> changes = List.of(
        manager -> trusting.post(base, manager, new JsonObject().put("name", "another").put("roles",
            new JsonArray().add("viewer"))),
        manager -> trusting.post(base + "/" + sid + "/credentials", manager, null),
        manager -> trusting.send(HttpMethod.DELETE, base + "/" + sid + "/credentials/" + clientId, manager, null),
        manager -> trusting.post(federated, manager, new JsonObject().put("issuer", TrustedProvider.ISSUER)
            .put("subject", "ci-" + UUID.randomUUID())),
        manager -> trusting.send(HttpMethod.DELETE, federated + "/" + federatedId, manager, null),
        manager -> trusting.send(HttpMethod.DELETE, base + "/" + sid, manager, null));
    for (var change : changes) {
      var manager = trusting.newUser("manager");
      trusting.addMembers(orgId, List.of(manager.id()), "manager");
      try (var demotion = UncommittedTransaction.begin(trusting.db())) {
        demotion.run(HOLD_ORGANIZATION, orgId);
        demotion.run("UPDATE org.memberships SET roles = '{member}' WHERE org_id = ?::uuid AND user_id = ?::uuid",
            orgId, manager.id());
        assertProblem(demotion.commitOnceWaitedFor(() -> change.apply(manager.token())), 403, "forbidden");
      }
    }

    var users = " FROM org.users WHERE service_org_id = '" + orgId + "'";
    assertEquals(1, PgFixture.queryLong(trusting.db(), "SELECT count(*)" + users), "none made, none deleted");
    assertEquals(1, PgFixture.queryLong(trusting.db(), "SELECT count(*) FROM org.service_credentials "
        + "WHERE service_user_id = '" + sid + "' AND revoked_at IS NULL"), "none made, none revoked");
    assertEquals(1, PgFixture.queryLong(trusting.db(), "SELECT count(*) FROM org.federated_credentials "
        + "WHERE service_user_id = '" + sid + "' AND removed_at IS NULL"), "none added, none removed");
  }

  /**
   * A token the service user obtains while its deletion waits for the organization's row (the client credentials
   * grant needs no lock) is on the revocation list with it: the deletion's end is taken by the clock tokens are
   * stamped with once it no longer waits, as a person's is. Stamped with the database's now(), the start of the
   * deletion's transaction, the list ended its tokens a second after that, and this one stayed good at the services
   * that read the list.
   */
  @Test
  void aTokenIssuedWhileTheDeletionWaitedEndsWithTheServiceUser() throws Exception {
    var owner = trusting.newUser("owner");
    var orgId = trusting.createOrg(owner.token(), "svc-del-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sid = trusting.post(base, owner.token(), new JsonObject().put("name", "bot").put("roles",
        new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var credential = trusting.post(base + "/" + sid + "/credentials", owner.token(), null).bodyAsJsonObject();
    var deleted = deleteWhileATokenIsIssued(orgId, base + "/" + sid, owner.token(), credential);
    assertTrue(deleted.sessionsEnded().get(sid) > deleted.tokenIssuedAt(), "the service user's tokens end after "
        + deleted.tokenIssuedAt() + ": " + deleted.sessionsEnded().get(sid));
  }

  /**
   * An organization's deletion lists its service users as a service user's own deletion does: a token one of them
   * obtains while the deletion waits for the organization's row ends with them, and so do the others' tokens. Listed by
   * the trigger of V37 alone, stamped with the database's now(), their tokens ended a second after the deletion's
   * transaction began, and this one stayed good at the services that read the list.
   */
  @Test
  void aTokenIssuedWhileTheOrganizationsDeletionWaitedEndsWithItsServiceUsers() throws Exception {
    var owner = trusting.newUser("owner");
    var orgId = trusting.createOrg(owner.token(), "svc-org-del-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var base = "/v1/organizations/" + orgId + "/service-users";
    var sids = new ArrayList<String>();
    for (var name : List.of("bot", "other-bot")) {
      sids.add(trusting.post(base, owner.token(), new JsonObject().put("name", name).put("roles",
          new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id"));
    }
    var credential = trusting.post(base + "/" + sids.get(0) + "/credentials", owner.token(), null)
        .bodyAsJsonObject();
    var deleted = deleteWhileATokenIsIssued(orgId, "/v1/organizations/" + orgId, owner.token(), credential);
    for (var sid : sids) {
      assertTrue(deleted.sessionsEnded().get(sid) > deleted.tokenIssuedAt(), sid + "'s tokens end after "
          + deleted.tokenIssuedAt() + ": " + deleted.sessionsEnded().get(sid));
    }
  }

  /** A deletion's outcome: when the token obtained as it waited was issued, and the revocation list after it. */
  private record Deleted(long tokenIssuedAt, Map<String, Long> sessionsEnded) {
  }

  /**
   * Deletes {@code path} while the organization's row is held, obtains a token with {@code credential} (in a later
   * second than the deletion's transaction began) as the deletion waits, then lets it through.
   */
  private Deleted deleteWhileATokenIsIssued(String orgId, String path, String ownerToken, JsonObject credential)
      throws Exception {
    try (var rival = UncommittedTransaction.begin(trusting.db())) {
      rival.run(HOLD_ORGANIZATION, orgId);
      var deletion = CompletableFuture.supplyAsync(() -> trusting.send(HttpMethod.DELETE, path, ownerToken, null),
          task -> new Thread(task).start());
      PgFixture.awaitLockWaits(trusting.db(), 1);
      awaitNextSecond();
      var token = trusting.clientCredentials(credential.getString("clientId"), credential.getString("clientSecret"));
      assertEquals(200, token.statusCode(), token.bodyAsString());
      var issuedAt = issuedAt(token);
      rival.commit();
      assertEquals(204, deletion.get(10, TimeUnit.SECONDS).statusCode());
      var listed = TokenRevocations.Snapshot.fromJson(trusting.get("/v1/token-revocations",
          trusting.platformAdminToken()).bodyAsJsonObject());
      return new Deleted(issuedAt, listed.sessionsEnded());
    }
  }

  /** The last place of a service user's secrets, taken by a credential added meanwhile, is not given twice. */
  @Test
  void aSecretAddedMeanwhileTakesTheLastPlace() throws Exception {
    var owner = trusting.newUser("owner");
    var orgId = trusting.createOrg(owner.token(), "svc-last-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
    var sid = trusting.post("/v1/organizations/" + orgId + "/service-users", owner.token(), new JsonObject()
        .put("name", "bot").put("roles", new JsonArray().add("viewer"))).bodyAsJsonObject().getString("id");
    var credentials = "/v1/organizations/" + orgId + "/service-users/" + sid + "/credentials";
    for (var i = 1; i < CredentialLimits.CLIENT_SECRETS; i++) {
      assertEquals(201, trusting.post(credentials, owner.token(), null).statusCode());
    }

    try (var add = UncommittedTransaction.begin(trusting.db())) {
      add.run(HOLD_ORGANIZATION, orgId);
      add.run("INSERT INTO org.service_credentials (client_id, service_user_id, secret_hash) "
          + "VALUES (gen_random_uuid(), ?::uuid, 'hash')", sid);
      assertProblem(add.commitOnceWaitedFor(() -> trusting.post(credentials, owner.token(), null)), 409,
          "credential_limit");
    }
    assertEquals(CredentialLimits.CLIENT_SECRETS, PgFixture.queryLong(trusting.db(), "SELECT count(*) "
        + "FROM org.service_credentials WHERE service_user_id = '" + sid + "' AND revoked_at IS NULL"));
  }

  /** A second after the one the deletion began waiting in, so a token stamped now is stamped after its start. */
  private static void awaitNextSecond() throws InterruptedException {
    var waiting = System.currentTimeMillis() / 1000;
    while (System.currentTimeMillis() / 1000 <= waiting) {
      Thread.sleep(50);
    }
  }

  private static long issuedAt(HttpResponse<Buffer> token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.bodyAsJsonObject()
        .getString("access_token").split("\\.")[1]), StandardCharsets.UTF_8)).getLong("iat");
  }
}
