package dev.orgplane.org.serviceuser;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.auth.TokenExchange;
import dev.orgplane.kit.auth.TokenRevocations;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.TrustedProvider;
import dev.orgplane.org.TrustingOrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Workload identity federation: a trusted provider's machine token, its (issuer, subject) a service user's federated
 * credential, is exchanged for that service user's token, as its client secret would be.
 */
class FederatedCredentialTest extends TrustingOrgServiceTest {

  /** An organization of a new owner with a viewer service user: the owner's token, the org's id and the user's base. */
  private record Robot(String ownerToken, String orgId, String base) {

    String credentials() {
      return base + "/federated-credentials";
    }

    String serviceUserId() {
      return base.substring(base.lastIndexOf('/') + 1);
    }
  }

  private Robot robot(OrgServiceHarness service) {
    var owner = service.newUser("owner");
    var orgId = service.createOrg(owner.token(), "fed-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var created = service.post("/v1/organizations/" + orgId + "/service-users", owner.token(),
        new JsonObject().put("name", "ci").put("roles", new JsonArray().add("viewer")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return new Robot(owner.token(), orgId,
        "/v1/organizations/" + orgId + "/service-users/" + created.bodyAsJsonObject().getString("id"));
  }

  private JsonObject federate(OrgServiceHarness service, Robot robot, String subject) {
    var added = service.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER).put("subject", subject));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    return added.bodyAsJsonObject();
  }

  /** The exchange the gateway asks for: an access token alone. */
  private HttpResponse<Buffer> exchange(OrgServiceHarness service, JsonObject claims) {
    return service.exchange(provider.sign(claims), TokenExchange.JWT, TokenExchange.ACCESS_TOKEN);
  }

  /** {@link #exchange} naming the service user to sign in as ({@code client_id}). */
  private HttpResponse<Buffer> exchangeAs(String clientId, JsonObject claims) {
    return trusting.exchange(provider.sign(claims), TokenExchange.JWT, TokenExchange.ACCESS_TOKEN, clientId);
  }

  private String exchanged(OrgServiceHarness service, String subject) {
    var answer = exchange(service, TrustedProvider.machineClaims(subject));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    return answer.bodyAsJsonObject().getString("access_token");
  }

  private static JsonObject payload(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  private static String freshSubject() {
    return "ci-job-" + UUID.randomUUID();
  }

  @Test
  void aProvidersMachineTokenSignsInAsTheServiceUserAsItsSecretWould() {
    var robot = robot(trusting);
    var subject = freshSubject();
    var added = trusting.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER).put("subject", subject));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    var credential = added.bodyAsJsonObject();
    assertEquals(robot.credentials() + "/" + credential.getString("id"), added.getHeader("Location"));
    assertEquals(subject, credential.getString("subject"));
    assertNull(credential.getString("audience"));
    assertEquals(trusting.get("/v1/users/me", robot.ownerToken()).bodyAsJsonObject().getString("id"),
        credential.getString("madeBy"), "it names its maker");

    var answer = exchange(trusting, TrustedProvider.machineClaims(subject));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    var body = answer.bodyAsJsonObject();
    assertEquals(TokenExchange.ACCESS_TOKEN, body.getString("issued_token_type"));
    assertNull(body.getString("refresh_token"), "a service user signs in again instead");
    var claims = payload(body.getString("access_token"));
    assertEquals(robot.base().substring(robot.base().lastIndexOf('/') + 1), claims.getString("sub"));
    assertEquals(robot.orgId(), claims.getString("org"));
    assertEquals(credential.getString("id"), claims.getString("cid"));

    var token = body.getString("access_token");
    assertEquals(200, trusting.get("/v1/organizations/" + robot.orgId(), token).statusCode());
    assertProblem(trusting.send(HttpMethod.PATCH, "/v1/organizations/" + robot.orgId(), token,
        new JsonObject().put("title", "x")), 403, "forbidden");
    var session = trusting.exchange(provider.sign(TrustedProvider.machineClaims(subject)), TokenExchange.JWT);
    assertEquals(200, session.statusCode(), session.bodyAsString());
    assertNull(session.bodyAsJsonObject().getString("refresh_token"), "not even when a session is asked for");

    var listed = trusting.get(robot.credentials(), robot.ownerToken()).bodyAsJsonObject().getJsonArray("items");
    assertEquals(new JsonArray().add(credential), listed);
    var audited = trusting.audited(robot.ownerToken(), robot.orgId(), "service_user.federated_credential_added");
    assertEquals(credential.getString("id"), audited.getJsonObject(0).getJsonObject("details")
        .getString("federatedCredentialId"), audited.encode());
  }

  /**
   * A removed federated credential is forgotten once no token exchanged for it can be alive, a revoked client
   * credential once it has been listed as revoked for 30 days; live ones, and a credential revoked since, stay.
   */
  @Test
  void retiredCredentialsAreForgottenOnceNothingNeedsThem() {
    var robot = robot(trusting);
    var live = federate(trusting, robot, freshSubject()).getString("id");
    var removed = federate(trusting, robot, freshSubject()).getString("id");
    assertEquals(204, trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + removed, robot.ownerToken(), null)
        .statusCode());
    var revokedLongAgo = clientCredential(robot);
    var revokedLately = clientCredential(robot);
    for (var clientId : List.of(revokedLongAgo, revokedLately)) {
      assertEquals(204, trusting.send(HttpMethod.DELETE, robot.base() + "/credentials/" + clientId, robot.ownerToken(),
          null).statusCode());
    }
    var db = trusting.db();
    PgFixture.execute(db, "UPDATE org.federated_credentials SET removed_at = now() - interval '2 hours' WHERE id = '"
        + removed + "'");
    PgFixture.execute(db, "UPDATE org.service_credentials SET revoked_at = now() - CASE client_id WHEN '"
        + revokedLongAgo + "' THEN interval '31 days' ELSE interval '29 days' END WHERE client_id IN ('" + revokedLongAgo
        + "', '" + revokedLately + "')");

    var pool = Database.open(vertx, db, 1, List.of()).await();
    RetiredCredentials.purges(pool, 3600).forEach(purge -> purge.run().await());

    var listed = trusting.get(robot.base(), robot.ownerToken()).bodyAsJsonObject().getJsonArray("credentials");
    assertEquals(List.of(revokedLately), listed.stream().map(c -> ((JsonObject) c).getString("clientId")).toList());
    assertEquals(List.of(live), trusting.get(robot.credentials(), robot.ownerToken()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(c -> ((JsonObject) c).getString("id")).toList());
    assertEquals(0, PgFixture.queryLong(db, "SELECT count(*) FROM org.federated_credentials WHERE id = '" + removed
        + "'"));
  }

  private String clientCredential(Robot robot) {
    var created = trusting.post(robot.base() + "/credentials", robot.ownerToken(), null);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("clientId");
  }

  @Test
  void removingTheCredentialEndsItsTokensAndItsExchanges() {
    var robot = robot(trusting);
    var subject = freshSubject();
    var credential = federate(trusting, robot, subject);
    var token = exchanged(trusting, subject);

    assertEquals(204, trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + credential.getString("id"),
        robot.ownerToken(), null).statusCode());

    assertProblem(trusting.get("/v1/organizations/" + robot.orgId(), token), 401, "invalid_token");
    assertProblem(exchange(trusting, TrustedProvider.machineClaims(subject)), 400, "invalid_grant");
    assertProblem(trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + credential.getString("id"),
        robot.ownerToken(), null), 404, "federated_credential_not_found");
    assertEquals(0, trusting.get(robot.credentials(), robot.ownerToken()).bodyAsJsonObject().getJsonArray("items")
        .size());
    assertEquals(1, trusting.audited(robot.ownerToken(), robot.orgId(), "service_user.federated_credential_removed")
        .size());
  }

  @Test
  void anotherInstanceRefusesARemovedCredentialsTokensOnceItRereadsRevocations() throws InterruptedException {
    var other = provider.trustingService(trusting.db(),
        new JsonObject().put("ORGPLANE_REVOCATION_RELOAD_MILLIS", "200"));
    var robot = robot(trusting);
    var subject = freshSubject();
    var credential = federate(trusting, robot, subject);
    var token = exchanged(trusting, subject);
    assertEquals(200, other.get("/v1/organizations/" + robot.orgId(), token).statusCode());

    assertEquals(204, trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + credential.getString("id"),
        robot.ownerToken(), null).statusCode());

    Eventually.holds(() -> other.get("/v1/organizations/" + robot.orgId(), token).statusCode() == 401,
        "the other instance still takes the token after 10 s");
  }

  /**
   * A provider's subjects are often public (GitHub's {@code repo:owner/app:ref:refs/heads/main}): until session 31 the
   * first service user to name one held it platform-wide, and every other tenant naming it was refused (409).
   */
  @Test
  void serviceUsersOfTwoTenantsNameOneSubjectAndEachSignsInAsItself() {
    var first = robot(trusting);
    var second = robot(trusting);
    var subject = freshSubject();
    var credentials = List.of(federate(trusting, first, subject), federate(trusting, second, subject));
    var robots = List.of(first, second);
    for (var i = 0; i < robots.size(); i++) {
      var answer = exchangeAs(robots.get(i).serviceUserId(), TrustedProvider.machineClaims(subject));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      var claims = payload(answer.bodyAsJsonObject().getString("access_token"));
      assertEquals(robots.get(i).serviceUserId(), claims.getString("sub"));
      assertEquals(robots.get(i).orgId(), claims.getString("org"));
      assertEquals(credentials.get(i).getString("id"), claims.getString("cid"));
    }

    var unnamed = exchange(trusting, TrustedProvider.machineClaims(subject));
    assertProblem(unnamed, 400, "invalid_request");
    assertEquals("invalid_request", unnamed.bodyAsJsonObject().getString("error"), "as OAuth clients read it");
    assertTrue(unnamed.bodyAsJsonObject().getString("error_description").contains("client_id"),
        unnamed.bodyAsString());
    var again = new JsonObject().put("issuer", TrustedProvider.ISSUER).put("subject", subject);
    assertProblem(trusting.post(first.credentials(), first.ownerToken(), again), 409, "federated_subject_taken");

    assertEquals(204, trusting.send(HttpMethod.DELETE, first.credentials() + "/" + credentials.get(0).getString("id"),
        first.ownerToken(), null).statusCode());
    assertEquals(second.orgId(), payload(exchanged(trusting, subject)).getString("org"), "one holder left: no need to "
        + "name it");
    assertProblem(exchangeAs(first.serviceUserId(), TrustedProvider.machineClaims(subject)), 400, "invalid_grant");
    assertEquals(201, trusting.post(first.credentials(), first.ownerToken(), again).statusCode(),
        "a removed credential's subject may be named again");
  }

  /**
   * A tenant naming another's subject first neither keeps the other from naming it nor takes the sign-ins of the
   * workload that names its own service user: until session 31 the victim was refused (409) and its workload signed
   * in as the squatter's service user, its writes landing in the squatter's organization.
   */
  @Test
  void aSquatterOfASubjectTakesNoneOfTheSignInsNamingAnotherServiceUser() {
    var squatter = robot(trusting);
    var victim = robot(trusting);
    var subject = "repo:victim-" + UUID.randomUUID() + "/app:ref:refs/heads/main";
    federate(trusting, squatter, subject);
    var victims = federate(trusting, victim, subject);

    var answer = exchangeAs(victim.serviceUserId(), TrustedProvider.machineClaims(subject));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    var claims = payload(answer.bodyAsJsonObject().getString("access_token"));
    assertEquals(victim.orgId(), claims.getString("org"));
    assertEquals(victims.getString("id"), claims.getString("cid"));
    assertProblem(exchange(trusting, TrustedProvider.machineClaims(subject)), 400, "invalid_request");

    var bystander = robot(trusting);
    for (var named : List.of(bystander.serviceUserId(), UUID.randomUUID().toString())) {
      assertProblem(exchangeAs(named, TrustedProvider.machineClaims(subject)), 400, "invalid_grant");
    }
    assertProblem(exchangeAs("1-1-1-1-1", TrustedProvider.machineClaims(subject)), 400, "invalid_request");
  }

  /**
   * Whether a person signs in with a subject is no tenant's to learn: until session 31 naming a person's linked
   * subject was 409 {@code federated_subject_taken}. The credential takes none of their sign-ins either way.
   */
  @Test
  void aPersonsSubjectIsNamedAsAnyOtherAndStillSignsInThePerson() {
    var robot = robot(trusting);
    var subject = freshSubject();
    var person = TrustedProvider.claims(subject).put("email", subject + "@example.com").put("email_verified", true);
    var signedIn = trusting.exchange(provider.sign(person), TokenExchange.JWT);
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());

    federate(trusting, robot, subject);

    var again = trusting.exchange(provider.sign(person), TokenExchange.JWT);
    assertEquals(200, again.statusCode(), again.bodyAsString());
    assertNull(payload(again.bodyAsJsonObject().getString("access_token")).getString("org"), "still the person");
    assertProblem(exchangeAs(robot.serviceUserId(), person), 400, "invalid_grant");
  }

  /**
   * A credential naming a person's subject at a provider that signs in people and machines alike takes none of that
   * person's sign-ins: until session 27 it took their first (made before they ever signed in), and they worked as the
   * service user of an organization whose manager named them.
   */
  @Test
  void aPersonsTokenNeverSignsInAsAServiceUserNamingItsSubject() {
    var robot = robot(trusting);
    var subject = freshSubject();
    federate(trusting, robot, subject);

    var person = trusting.exchange(provider.sign(TrustedProvider.claims(subject)
        .put("email", subject + "@example.com").put("email_verified", true)), TokenExchange.JWT);
    assertEquals(200, person.statusCode(), person.bodyAsString());
    var claims = payload(person.bodyAsJsonObject().getString("access_token"));
    assertNull(claims.getString("org"), "a person's token, in no one organization");
    assertNull(claims.getString("cid"));
    assertEquals(subject + "@example.com", trusting.get("/v1/users/me", person.bodyAsJsonObject()
        .getString("access_token")).bodyAsJsonObject().getString("email"));
    assertEquals(robot.orgId(), payload(exchanged(trusting, subject)).getString("org"), "machines still sign in");
  }

  /** A machine's token matching no credential is refused, even naming a verified address: it is no person's. */
  @Test
  void aMachinesTokenNeverSignsInAPerson() {
    var subject = freshSubject();
    assertProblem(exchange(trusting, TrustedProvider.machineClaims(subject).put("email", subject + "@example.com")
        .put("email_verified", true)), 400, "invalid_grant");
    assertEquals(0, PgFixture.queryLong(trusting.db(), "SELECT count(*) FROM org.users WHERE email = '" + subject
        + "@example.com'"));
  }

  @Test
  void anIssuerTrustedForPeopleOnlyTakesNoCredentials() {
    var peopleOnly = provider.trustingPeopleOnly(trusting.db());
    var robot = robot(peopleOnly);
    var subject = freshSubject();
    assertProblem(peopleOnly.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER).put("subject", subject)), 422, "issuer_without_workloads");
    assertProblem(exchange(peopleOnly, TrustedProvider.machineClaims(subject)), 400, "invalid_request");
  }

  @Test
  void aServiceUserHasAtMostTenLiveFederatedCredentials() {
    var robot = robot(trusting);
    String last = null;
    for (var i = 0; i < CredentialLimits.FEDERATED; i++) {
      last = federate(trusting, robot, freshSubject()).getString("id");
    }

    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER).put("subject", freshSubject())), 409, "credential_limit");
    assertEquals(204, trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + last, robot.ownerToken(), null)
        .statusCode());
    federate(trusting, robot, freshSubject());
  }

  @Test
  void aCredentialNamingAnAudienceTakesOnlyTokensForIt() {
    var robot = robot(trusting);
    var subject = freshSubject();
    assertEquals(201, trusting.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER).put("subject", subject).put("audience", "deploy-pipeline"))
        .statusCode());

    assertProblem(exchange(trusting, TrustedProvider.machineClaims(subject)), 400, "invalid_grant");
    var both = new JsonArray().add(TrustedProvider.WORKLOAD_AUDIENCE).add("deploy-pipeline");
    assertEquals(200, exchange(trusting, TrustedProvider.machineClaims(subject).put("aud", both)).statusCode());
  }

  @Test
  void onlyTrustedIssuersAndTheOrganizationsOwnServiceUsers() {
    var robot = robot(trusting);
    var subject = new JsonObject().put("issuer", TrustedProvider.ISSUER).put("subject", freshSubject());
    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), subject.copy()
        .put("issuer", "https://elsewhere.example.com")), 422, "untrusted_issuer");
    var untrusting = robot(org);
    assertProblem(org.post(untrusting.credentials(), untrusting.ownerToken(), subject), 422, "untrusted_issuer");

    var unknown = "/v1/organizations/" + robot.orgId() + "/service-users/" + UUID.randomUUID()
        + "/federated-credentials";
    assertProblem(trusting.post(unknown, robot.ownerToken(), subject), 404, "service_user_not_found");
    assertProblem(trusting.get(unknown, robot.ownerToken()), 404, "service_user_not_found");
    var elsewhere = robot(trusting);
    assertProblem(trusting.post(elsewhere.credentials(), robot.ownerToken(), subject), 404, "organization_not_found");
    var foreign = "/v1/organizations/" + robot.orgId() + elsewhere.base().substring(elsewhere.base()
        .indexOf("/service-users")) + "/federated-credentials";
    assertProblem(trusting.post(foreign, robot.ownerToken(), subject), 404, "service_user_not_found");
    var theirs = federate(trusting, elsewhere, freshSubject());
    assertProblem(trusting.send(HttpMethod.DELETE, foreign + "/" + theirs.getString("id"), robot.ownerToken(), null),
        404, "service_user_not_found");
    assertProblem(trusting.send(HttpMethod.DELETE, robot.credentials() + "/" + UUID.randomUUID(), robot.ownerToken(),
        null), 404, "federated_credential_not_found");

    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), new JsonObject()
        .put("issuer", TrustedProvider.ISSUER)), 400, "validation_failed");
    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), subject.copy().put("subject", " ")), 400,
        "validation_failed");
    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), subject.copy().put("scope", "x")), 400,
        "validation_failed");
    for (var audience : new String[] {"", " "}) {
      assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), subject.copy().put("audience", audience)),
          400, "validation_failed");
    }
    // 1,024 characters, but 3,072 bytes: more than the unique index takes (it was 500)
    assertProblem(trusting.post(robot.credentials(), robot.ownerToken(), subject.copy().put("subject",
        "\u4e2d".repeat(1024))), 400, "validation_failed");
    assertProblem(trusting.send(HttpMethod.DELETE, robot.credentials() + "/not-a-uuid", robot.ownerToken(), null),
        400, "validation_failed");
    var ownBot = exchanged(trusting, federate(trusting, robot, freshSubject()).getString("subject"));
    assertProblem(trusting.post(robot.credentials(), ownBot, subject), 403, "forbidden");
  }

  /**
   * As with a client secret, no credential reaches more than its maker: a manager of users adds no federated
   * credential to a service user holding more than they do, nor removes one (403 {@code permission_not_held}); within
   * their own permissions they do.
   */
  @Test
  void aManagerOfUsersAddsNoFederatedCredentialToAServiceUserAboveThemAndRemovesNone() {
    var robot = robot(trusting);
    assertEquals(201, trusting.post("/v1/organizations/" + robot.orgId() + "/roles", robot.ownerToken(),
        new JsonObject().put("name", "bot-keeper").put("permissions", new JsonArray().add("app_organization_get")
            .add("app_organization_usermanage"))).statusCode());
    var keeper = trusting.newUser("keeper");
    trusting.addMembers(robot.orgId(), List.of(keeper.id()), "bot-keeper");
    var above = serviceUser(robot, robot.ownerToken(), "manager");
    var held = federate(trusting, above, freshSubject());
    var subject = new JsonObject().put("issuer", TrustedProvider.ISSUER).put("subject", freshSubject());

    assertProblem(trusting.post(above.credentials(), keeper.token(), subject), 403, "permission_not_held");
    assertProblem(trusting.send(HttpMethod.DELETE, above.credentials() + "/" + held.getString("id"), keeper.token(),
        null), 403, "permission_not_held");
    assertEquals(List.of(held.getString("id")), trusting.get(above.credentials(), robot.ownerToken())
        .bodyAsJsonObject().getJsonArray("items").stream().map(c -> ((JsonObject) c).getString("id")).toList(),
        "nothing added, nothing removed");
    assertEquals(201, trusting.post(serviceUser(robot, keeper.token(), "bot-keeper").credentials(), keeper.token(),
        subject).statusCode(), "within their own permissions a keeper adds one");
  }

  /** A new service user of {@code robot}'s organization holding {@code role}, made by {@code token}'s holder. */
  private Robot serviceUser(Robot robot, String token, String role) {
    var bots = "/v1/organizations/" + robot.orgId() + "/service-users";
    var created = trusting.post(bots, token, new JsonObject().put("name", "bot-" + UUID.randomUUID())
        .put("roles", new JsonArray().add(role)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return new Robot(robot.ownerToken(), robot.orgId(), bots + "/" + created.bodyAsJsonObject().getString("id"));
  }

  @Test
  void deletingTheServiceUserEndsItsTokensAndFreesItsSubjects() {
    var robot = robot(trusting);
    var subject = freshSubject();
    federate(trusting, robot, subject);
    var token = exchanged(trusting, subject);

    assertEquals(204, trusting.send(HttpMethod.DELETE, robot.base(), robot.ownerToken(), null).statusCode());

    assertProblem(trusting.get("/v1/organizations/" + robot.orgId(), token), 401, "invalid_token");
    // the services that do not look users up (the engine) refuse its tokens from the revocation list
    var listed = TokenRevocations.Snapshot.fromJson(trusting.get("/v1/token-revocations", trusting.engineToken())
        .bodyAsJsonObject());
    var sid = robot.base().substring(robot.base().lastIndexOf('/') + 1);
    assertTrue(listed.sessionsEnded().containsKey(sid), "the deleted service user is listed");
    assertProblem(exchange(trusting, TrustedProvider.machineClaims(subject)), 400, "invalid_grant");
    federate(trusting, robot(trusting), subject);
  }

  /**
   * A machine's token from before its service user's tokens were ended signs it in no more; one issued after does.
   */
  @Test
  void aMachineTokenFromBeforeItsServiceUsersTokensEndedSignsInNoMore() {
    var robot = robot(trusting);
    var subject = freshSubject();
    federate(trusting, robot, subject);
    var claims = TrustedProvider.machineClaims(subject).put("iat", System.currentTimeMillis() / 1000);
    var token = exchange(trusting, claims).bodyAsJsonObject().getString("access_token");

    assertEquals(204, trusting.send(HttpMethod.DELETE, "/v1/users/me/sessions", token, null).statusCode());

    assertProblem(exchange(trusting, claims), 400, "invalid_grant");
    var later = exchange(trusting, claims.copy().put("iat", System.currentTimeMillis() / 1000 + 1));
    assertEquals(200, later.statusCode(), later.bodyAsString());
  }

  /** A disabled organization's service user signs in as with its secret, and may then only read. */
  @Test
  void inADisabledOrganizationTheServiceUserSignsInAndOnlyReadsAsWithItsSecret() {
    var robot = robot(trusting);
    var subject = freshSubject();
    federate(trusting, robot, subject);
    var secret = trusting.post(robot.base() + "/credentials", robot.ownerToken(), null).bodyAsJsonObject();
    assertEquals(200, trusting.post("/v1/organizations/" + robot.orgId() + "/disable", robot.ownerToken(),
        new JsonObject().put("reason", "audit")).statusCode());

    var bySecret = trusting.clientCredentials(secret.getString("clientId"), secret.getString("clientSecret"));
    assertEquals(200, bySecret.statusCode(), bySecret.bodyAsString());
    var bySecretToken = bySecret.bodyAsJsonObject().getString("access_token");
    for (var token : new String[] {exchanged(trusting, subject), bySecretToken}) {
      assertEquals(200, trusting.get("/v1/organizations/" + robot.orgId(), token).statusCode());
      assertProblem(trusting.post("/v1/organizations/" + robot.orgId() + "/service-users", token, new JsonObject()
          .put("name", "x").put("roles", new JsonArray().add("viewer"))), 403, "organization_disabled");
    }
  }

  @Test
  void credentialsAreListedPageByPage() {
    var robot = robot(trusting);
    var made = new java.util.ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      made.add(federate(trusting, robot, freshSubject()).getString("id"));
    }
    var listed = trusting.allPages(robot.credentials(), robot.ownerToken(), 2).stream().map(c -> c.getString("id"))
        .toList();
    assertEquals(made, listed, "in creation order, each once");
  }
}
