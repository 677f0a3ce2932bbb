package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every operation of the OpenAPI document that names an organization's objects or its provisioning job and batch,
 * called by the owner of another organization with this organization's ids: never a success, never a server error,
 * 404 for everything below the organization whatever the body and for the job and batch, each with the code of what
 * is missing, outside them the refusal each path family gives an outsider, and this organization's data unchanged
 * afterwards. Nor does adding this
 * organization's people by user id reach them from another tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPlatforms.class)
class TenantIsolationSweepTest {


  private Platform platform;
  private Gateway gateway;
  private String alice;
  private String mallory;
  private String malloryOrg;
  private final Map<String, String> ids = new HashMap<>();

  @BeforeAll
  void startPlatform(SharedPlatforms.Platforms platforms) {
    platform = platforms.defaults();
    gateway = new Gateway(platform.baseUrl());
    alice = register("alice");
    mallory = register("mallory");
    verify(mallory);
    malloryOrg = ok(gateway.postJson("/v1/organizations", mallory, new JsonObject().put("name", "tenant-b")
        .put("title", "B"))).getString("id");
    ids.putAll(TenantFixture.build(gateway, platform, alice, "tenant-a"));
  }

  @Test
  void anotherTenantsOwnerGetsNothingAndChangesNothing() {
    var before = snapshot();
    var api = ApiOperations.fetch(gateway);
    var swept = 0;
    var failures = new ArrayList<String>();
    for (var operation : api.all()) {
      var path = TenantFixture.fill(operation.path(), ids, ids.get("org"));
      if (path == null) {
        continue;
      }
      swept++;
      var body = operation.bodySchema() == null ? null : api.sample(operation.bodySchema());
      var inOrganization = operation.path().startsWith("/v1/organizations/{org}");
      var expected = refusalOf(operation);
      var reply = gateway.send(operation.method(), path, mallory, body);
      if (!refusal(reply).equals(expected)) {
        failures.add(operation.method() + " " + path + " -> " + reply.status() + " " + reply.body() + ", not " + expected);
      }
      // nor do the mistakes of a body tell an outsider anything: 404, as for everything of the organization
      var wrongBody = body == null || !inOrganization ? null
          : gateway.send(operation.method(), path, mallory, new JsonObject().put("unknownField", true));
      if (wrongBody != null && !refusal(wrongBody).equals(expected)) {
        failures.add(operation.method() + " " + path + " with a wrong body -> " + wrongBody.status() + " "
            + wrongBody.body() + ", not " + expected);
      }
    }
    assertTrue(swept >= 45, "the sweep covered the organization's operations: " + swept);
    assertTrue(failures.isEmpty(), "another tenant got through or broke something:\n" + String.join("\n", failures));
    assertEquals(before, snapshot(), "the organization's data is unchanged");
  }

  /** Status and code of a refusal, as {@link #refusalOf} names them. */
  private static String refusal(Gateway.Reply reply) {
    return reply.status() + " " + (reply.contentType().equals("application/problem+json")
        ? reply.json().getString("code") : "(no problem)");
  }

  /**
   * Status and code of the refusal {@code operation} must answer: everything below the organization is missing, as
   * the organization itself, and a job or batch is, to anyone who may not use it, as if it did not exist; the
   * engine's code names which, so a request the gateway sent to the wrong service does not pass for one refused.
   * Outside them, an organization group, a person or an invitation the caller has no part in is missing, as is an
   * organization of a group she does not run; what only a platform admin may do is forbidden before anything is
   * looked up.
   */
  private static String refusalOf(ApiOperations.Operation operation) {
    var path = operation.path();
    if (operation.method().equals("DELETE") && path.equals("/v1/organizations/{org}/invitations/{iid}")) {
      // its invitee, outside the organization, withdraws their own: anyone else outside hears of no invitation
      return "404 invitation_not_found";
    }
    if (path.startsWith("/v1/organizations/{org}")) {
      return "404 organization_not_found";
    }
    if (path.startsWith("/v1/provisioning/jobs/{jid}")) {
      return "404 job_not_found";
    }
    if (path.startsWith("/v1/provisioning/batches/{bid}")) {
      return "404 batch_not_found";
    }
    var platformAdmins = operation.method().equals("DELETE") && (path.equals("/v1/organization-groups/{gid}")
        || path.equals("/v1/users/{uid}")) || path.equals("/v1/organization-groups/{gid}/admins/{uid}");
    if (platformAdmins) {
      return "403 forbidden";
    }
    if (path.endsWith("/organizations/{org}/token")) {
      return "404 organization_not_found";
    }
    if (path.startsWith("/v1/organization-groups/")) {
      return "404 organization_group_not_found";
    }
    if (path.startsWith("/v1/users/")) {
      return "404 user_not_found";
    }
    if (path.startsWith("/v1/invitations/")) {
      return "404 invitation_not_found";
    }
    return "no refusal expected for " + operation.method() + " " + path;
  }

  /**
   * Another tenant's object ids inside the caller's own organization name nothing there: 404 with the code of a
   * missing object of that kind. Imports ({@code PUT} with a chosen id) are the documented exception: ids are unique
   * in the whole deployment, so another organization's is 409 {@code id_taken} ({@code role_id_taken} for roles).
   */
  @Test
  void anotherTenantsObjectIdsInsideOnesOwnOrganizationAreMissing() {
    var before = snapshot();
    var api = ApiOperations.fetch(gateway);
    var failures = new ArrayList<String>();
    var swept = 0;
    for (var operation : api.all()) {
      if (!operation.path().startsWith("/v1/organizations/{org}/")
          || !operation.path().substring("/v1/organizations/{org}".length()).contains("{")) {
        continue;
      }
      var path = TenantFixture.fill(operation.path(), ids, malloryOrg);
      if (path == null || path.contains("/users/" + ids.get("uid"))
          || path.endsWith("/permissions/" + ids.get("uid"))) {
        // a user id names a person, no object of the tenant: Alice is no member of B (member_not_found), and what she
        // may do there only the provisioning engine asks (403 forbidden to B's owner)
        continue;
      }
      swept++;
      var body = operation.bodySchema() == null ? null : api.sample(operation.bodySchema());
      var reply = gateway.send(operation.method(), path, mallory, body);
      var kinds = kindsNamed(operation.path());
      var imported = operation.method().equals("PUT");
      var status = imported ? 409 : 404;
      var kind = kinds.get(kinds.size() - 1);
      var codes = imported ? List.of(kind.equals("role") ? "role_id_taken" : "id_taken")
          : kinds.stream().map(named -> named + "_not_found").toList();
      if (reply.status() != status || !reply.contentType().equals("application/problem+json")
          || !codes.contains(reply.json().getString("code"))) {
        failures.add(operation.method() + " " + path + " -> " + reply.status() + " " + reply.body() + ", not "
            + status + " " + String.join(" or ", codes));
      }
    }
    assertTrue(swept >= 20, "the sweep covered the object operations: " + swept);
    assertTrue(failures.isEmpty(), "a foreign id worked inside another organization:\n" + String.join("\n", failures));
    assertEquals(before, snapshot(), "the organization's data is unchanged");
  }

  /**
   * An add or import by user id reaches only the people of the caller's organization group: another tenant's owner,
   * named by id, is refused exactly as an id nobody has, so the answer does not even tell that Alice has an account.
   */
  @Test
  void anotherTenantsPersonIsRefusedAsAnIdNobodyHas() {
    var base = "/v1/organizations/" + malloryOrg;
    var alicesOrganizations = ok(gateway.get("/v1/users/me/organizations?limit=500", alice));
    var members = ok(gateway.get(base + "/users?limit=500", mallory));
    var roles = new JsonArray().add("viewer");
    var adds = Map.<String, Function<String, JsonObject>>of(
        "/users", id -> new JsonObject().put("userIds", new JsonArray().add(id)).put("roles", roles),
        "/users:batch", id -> new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("id", id).put("roles", roles))));
    var nobody = UUID.randomUUID().toString();
    adds.forEach((route, body) -> assertEquals(refusal(base + route, body, nobody),
        refusal(base + route, body, ids.get("uid")), route + ": Alice is refused as nobody is"));
    assertEquals(alicesOrganizations, ok(gateway.get("/v1/users/me/organizations?limit=500", alice)),
        "Alice joined nothing");
    assertEquals(members, ok(gateway.get(base + "/users?limit=500", mallory)), "B has the members it had");
  }

  /** Mallory's refused add of the user id, with the id blanked out so that refusals of different ids compare whole. */
  private String refusal(String path, Function<String, JsonObject> body, String userId) {
    var reply = gateway.postJson(path, mallory, body.apply(userId));
    assertEquals(422, reply.status(), reply.body());
    assertEquals("application/problem+json", reply.contentType());
    assertEquals("unknown_users", reply.json().getString("code"), reply.body());
    return reply.body().replace(userId, "<id>");
  }

  /**
   * The kinds of object a path's ids name, outermost first: {@code .../service-users/{sid}/credentials/{cid}} a
   * service user and a credential. With every id foreign, whichever the service looks for first is missing.
   */
  private static List<String> kindsNamed(String template) {
    var named = Pattern.compile("/([a-z-]+)s/\\{\\w+}").matcher(template);
    var kinds = new ArrayList<String>();
    while (named.find()) {
      kinds.add(named.group(1).replace('-', '_').replaceAll("ie$", "y"));
    }
    return kinds;
  }

  /**
   * What Alice sees of her organization, her service user's federated credentials included, and of her provisioning
   * job and batch (which have ended, so stay as they are unless someone retries them).
   */
  private JsonObject snapshot() {
    var base = "/v1/organizations/" + ids.get("org");
    var snapshot = new JsonObject().put("org", ok(gateway.get(base, alice)))
        .put("job", ok(gateway.get("/v1/provisioning/jobs/" + ids.get("jid"), alice)))
        .put("batch", ok(gateway.get("/v1/provisioning/batches/" + ids.get("bid"), alice)));
    for (var part : List.of("users", "roles", "groups", "invitations", "service-users", "workspaces", "schemas",
        "queues", "hooks", "groups/" + ids.get("gid") + "/users",
        "service-users/" + ids.get("sid") + "/federated-credentials")) {
      snapshot.put(part, ok(gateway.get(base + "/" + part + "?limit=500", alice)));
    }
    return snapshot;
  }

  private String register(String name) {
    var email = name + "-" + UUID.randomUUID().toString().substring(0, 6) + "@e2e.test";
    ok(gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email).put("password",
        "password-" + name).put("name", name)));
    return gateway.token(email, "password-" + name);
  }

  /** Only an invitee with a verified address is told whether an invitation is theirs: Mallory gets that far. */
  private void verify(String token) {
    var email = ok(gateway.get("/v1/users/me", token)).getString("email");
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(email, "opv_"))).status());
  }

  private static JsonObject ok(Gateway.Reply reply) {
    assertEquals(2, reply.status() / 100, reply.body());
    return reply.json();
  }
}
