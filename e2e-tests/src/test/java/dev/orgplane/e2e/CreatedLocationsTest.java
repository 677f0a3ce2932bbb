package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every creating {@code POST}, sent through the gateway to its collection with a trailing {@code /} (which is served),
 * answers a {@code Location} that names the new object by its ids, one {@code /} apart, and that the gateway serves:
 * built from the request's path it named the object after a {@code //}, which the gateway refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
class CreatedLocationsTest {

  private Platform platform;
  private Gateway gateway;
  private String owner;
  private String operator;

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platforms.defaults();
    gateway = new Gateway(platform.baseUrl());
    var email = "owner-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    assertEquals(2, gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-owner").put("name", "owner")).status() / 100);
    // a person invites once their address is verified
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(email, "opv_"))).status());
    owner = gateway.token(email, "password-owner");
    operator = gateway.token(platform.adminEmail(), platform.adminPassword());
  }

  @Test
  void everyCreatedObjectsLocationIsServedWhenItsCollectionWasNamedWithATrailingSlash() {
    var organization = createdAndRead("/v1/organizations", owner, new JsonObject().put("name", "acme")
        .put("title", "Acme"));
    var org = "/v1/organizations/" + organization.getString("id");
    createdAndRead(org + "/roles", owner, new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list")));
    createdAndRead(org + "/groups", owner, new JsonObject().put("name", "support"));
    // an organization addressed by its name is named by its id
    var byName = gateway.postJson("/v1/organizations/acme/groups/", owner, new JsonObject().put("name", "sales"));
    assertEquals(org + "/groups/" + byName.json().getString("id"), byName.location(), byName.body());
    createdAndRead(org + "/invitations", owner, new JsonObject().put("email", "guest@e2e.test"));
    createdAndRead(org + "/workspaces", owner, new JsonObject().put("name", "main"));
    var serviceUser = org + "/service-users/" + createdAndRead(org + "/service-users", owner,
        new JsonObject().put("name", "robot").put("roles", new JsonArray().add("viewer"))).getString("id");
    // a credential has no GET of its own: its Location is where it is revoked
    var credential = created(serviceUser + "/credentials", owner, new JsonObject(), 201, "clientId");
    assertEquals(204, gateway.send("DELETE", credential.location(), owner, null).status());
    var federated = created(serviceUser + "/federated-credentials", owner, new JsonObject()
        .put("issuer", TestIdentityProvider.ISSUER).put("subject", "robot"), 201, "id");
    assertEquals(204, gateway.send("DELETE", federated.location(), owner, null).status());
    createdAndRead("/v1/organization-groups", operator, new JsonObject().put("name", "division"));

    // provisioning is for the template's group admins; a target named like the template fails at once
    assertEquals(204, gateway.send("PUT", "/v1/organization-groups/" + organization.getString("groupId") + "/admins/"
        + gateway.get("/v1/users/me", owner).json().getString("id"), operator, null).status());
    var template = organization.getString("id");
    var taken = new JsonObject().put("name", "acme");
    read(created("/v1/provisioning/jobs", owner, new JsonObject().put("templateOrganization", template)
        .put("target", taken), 202, "id"), owner);
    read(created("/v1/provisioning/batches", owner, new JsonObject().put("templateOrganization", template)
        .put("targets", new JsonArray().add(taken)), 202, "id"), owner);
  }

  /** What {@link #created} made, as a GET of its {@code Location} answers it. */
  private JsonObject createdAndRead(String collection, String token, JsonObject body) {
    return read(created(collection, token, body, 201, "id"), token);
  }

  /**
   * The answer to {@code body} POSTed to {@code collection} and a trailing {@code /}, after checking that its
   * {@code Location} is the collection's path and the new object's id ({@code idField} of the answer).
   */
  private Gateway.Reply created(String collection, String token, JsonObject body, int status, String idField) {
    var reply = gateway.postJson(collection + "/", token, body);
    assertEquals(status, reply.status(), collection + "/ -> " + reply.body());
    assertEquals(collection + "/" + reply.json().getString(idField), reply.location(), collection + "/");
    return reply;
  }

  private JsonObject read(Gateway.Reply created, String token) {
    var read = gateway.get(created.location(), token);
    assertEquals(200, read.status(), created.location() + " -> " + read.body());
    assertEquals(created.json().getString("id"), read.json().getString("id"), created.location());
    return read.json();
  }
}
