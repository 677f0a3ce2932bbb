package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An organization holding one object of every kind a path can name, made through the gateway by its
 * owner, and a provisioning job and batch with it as their template (the owner administers its group).
 * Answers the ids by path parameter name ({@code org}, {@code rid}, {@code gid}, {@code iid}, {@code sid},
 * {@code cid}, {@code fid}, {@code uid}, {@code jid}, {@code bid}), by setup kind ({@code workspaces}, ...),
 * and {@code orgGroup}.
 */
final class TenantFixture {

  private static final Pattern PARAMETER = Pattern.compile("\\{(\\w+)}");
  private static final List<String> KINDS = List.of("workspaces", "schemas", "queues", "hooks");

  private TenantFixture() {
  }

  /** {@code owner}'s address verified first, with the token mailed at registration: a person invites once it is. */
  static Map<String, String> build(Gateway gateway, Platform platform, String owner, String name) {
    var me = ok(gateway.get("/v1/users/me", owner));
    if (!me.getBoolean("emailVerified")) {
      assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
          .put("token", platform.mailedToken(me.getString("email"), "opv_"))).status());
    }
    var ids = new HashMap<String, String>();
    var organization = ok(gateway.postJson("/v1/organizations", owner, new JsonObject().put("name", name)
        .put("title", name)));
    var base = "/v1/organizations/" + organization.getString("id");
    ids.put("org", organization.getString("id"));
    ids.put("orgGroup", organization.getString("groupId"));
    ids.put("uid", me.getString("id"));
    ids.put("rid", ok(gateway.postJson(base + "/roles", owner, new JsonObject().put("name", "auditor")
        .put("permissions", new JsonArray().add("app_audit_list")))).getString("id"));
    ids.put("gid", ok(gateway.postJson(base + "/groups", owner, new JsonObject().put("name", "support"))).getString("id"));
    ok(gateway.postJson(base + "/groups/" + ids.get("gid") + "/users", owner,
        new JsonObject().put("userIds", new JsonArray().add(ids.get("uid")))));
    ids.put("iid", ok(gateway.postJson(base + "/invitations", owner, new JsonObject().put("email", "guest@e2e.test")
        .put("roles", new JsonArray().add("viewer")))).getString("id"));
    ids.put("sid", ok(gateway.postJson(base + "/service-users", owner, new JsonObject().put("name", "robot")
        .put("roles", new JsonArray().add("viewer")))).getString("id"));
    ids.put("cid", ok(gateway.postJson(base + "/service-users/" + ids.get("sid") + "/credentials", owner,
        new JsonObject())).getString("clientId"));
    ids.put("fid", ok(gateway.postJson(base + "/service-users/" + ids.get("sid") + "/federated-credentials", owner,
        new JsonObject().put("issuer", TestIdentityProvider.ISSUER).put("subject", "robot-of-" + name)))
        .getString("id"));
    ids.put("workspaces", ok(gateway.postJson(base + "/workspaces", owner, new JsonObject().put("name", "main")))
        .getString("id"));
    ids.put("schemas", ok(gateway.postJson(base + "/schemas", owner, new JsonObject().put("name", "invoice")
        .put("content", new JsonObject()))).getString("id"));
    ids.put("queues", ok(gateway.postJson(base + "/queues", owner, new JsonObject().put("name", "inbox")
        .put("workspaceId", ids.get("workspaces")).put("schemaId", ids.get("schemas")))).getString("id"));
    ids.put("hooks", ok(gateway.postJson(base + "/hooks", owner, new JsonObject().put("name", "notify")
        .put("url", "https://hooks.example.com/a").put("events", new JsonArray().add("queue.created"))
        .put("queueIds", new JsonArray().add(ids.get("queues")))))
        .getString("id"));
    ids.put("did", ok(gateway.send("POST", base + "/hooks/" + ids.get("hooks") + "/pings", owner, null))
        .getString("id"));
    // provisioning, and cancelling or retrying it, is for the template's group admins, whom the platform admin names
    var operator = gateway.token(platform.adminEmail(), platform.adminPassword());
    assertEquals(204, gateway.send("PUT", "/v1/organization-groups/" + ids.get("orgGroup") + "/admins/"
        + ids.get("uid"), operator, null).status());
    // a target named like the template is taken by an organization no job made, so each run fails at once
    // (organization_name_taken), creating nothing: the job and the batch end fast, stay so, and may be retried
    var failing = new JsonArray().add(new JsonObject().put("name", name).put("title", name));
    ids.put("jid", ended(gateway, owner, "/v1/provisioning/jobs", new JsonObject()
        .put("templateOrganization", ids.get("org")).put("target", failing.getJsonObject(0))));
    ids.put("bid", ended(gateway, owner, "/v1/provisioning/batches", new JsonObject()
        .put("templateOrganization", ids.get("org")).put("targets", failing)));
    return ids;
  }

  /**
   * {@code ids} with a batch of the organization {@code ids} names as {@code bid}, and its last job as {@code jid},
   * that have not ended: the batch copies into four new organizations one at a time, so its last job waits queued
   * while the first three run, a second or so on our machines. What a cancel needs when it is sent; those of
   * {@link #build} have ended.
   */
  static Map<String, String> unended(Gateway gateway, String owner, Map<String, String> ids) {
    var prefix = "copy-" + UUID.randomUUID().toString().substring(0, 8);
    var targets = new JsonArray();
    for (int i = 1; i <= 4; i++) {
      targets.add(new JsonObject().put("name", prefix + "-" + i));
    }
    var batch = ok(gateway.postJson("/v1/provisioning/batches", owner, new JsonObject()
        .put("templateOrganization", ids.get("org")).put("concurrency", 1).put("targets", targets)))
        .getString("id");
    var jobs = ok(gateway.get("/v1/provisioning/batches/" + batch + "/jobs?order=newest&limit=1", owner));
    var unended = new HashMap<>(ids);
    unended.put("bid", batch);
    unended.put("jid", jobs.getJsonArray("items").getJsonObject(0).getString("id"));
    return unended;
  }

  /** The id of the job or batch {@code body} queues at {@code path}, once it has failed. */
  private static String ended(Gateway gateway, String owner, String path, JsonObject body) {
    var id = ok(gateway.postJson(path, owner, body)).getString("id");
    var ended = GroupTemplate.awaitEnd(gateway, owner, path + "/" + id, 30_000);
    assertEquals("failed", ended.getString("status"), ended.encode());
    return id;
  }

  /** The path with this tenant's ids in it, or null for operations that name no tenant's objects. */
  static String fill(String template, Map<String, String> ids, String org) {
    if (!template.contains("{") || template.contains("{name}")) {
      return null;
    }
    var matcher = PARAMETER.matcher(template);
    var out = new StringBuilder();
    while (matcher.find()) {
      var name = matcher.group(1);
      var before = template.substring(0, matcher.start());
      String value;
      if (name.equals("org")) {
        value = org;
      } else if (name.equals("gid") && before.startsWith("/v1/organization-groups")) {
        value = ids.get("orgGroup");
      } else if (name.equals("id")) {
        value = ids.get(KINDS.stream().filter(kind -> before.endsWith("/" + kind + "/")).findFirst().orElseThrow());
      } else {
        value = ids.get(name);
      }
      if (value == null) {
        throw new IllegalStateException("no id for {" + name + "} in " + template);
      }
      matcher.appendReplacement(out, value);
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static JsonObject ok(Gateway.Reply reply) {
    assertEquals(2, reply.status() / 100, reply.body());
    return reply.json();
  }
}
