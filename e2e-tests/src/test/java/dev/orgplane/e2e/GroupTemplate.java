package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.CursorPages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.UUID;

/**
 * What an operator and a group admin set up through the gateway before provisioning: an organization
 * group, its admin, and a template organization holding every kind of object (custom roles, a member
 * with a custom role, a team, workspaces, schemas, queues, hooks that run after one another).
 */
record GroupTemplate(String groupId, String createKey, String adminToken, String templateId, int queues, int hooks) {

  static GroupTemplate build(Gateway gateway, Platform platform, int size) {
    var operator = gateway.token(platform.adminEmail(), platform.adminPassword());
    var suffix = UUID.randomUUID().toString().substring(0, 8);
    var group = ok(gateway.postJson("/v1/organization-groups", operator, new JsonObject().put("name", "group-" + suffix)));
    var groupId = group.getString("id");
    var admin = register(gateway, "admin-" + suffix);
    // only a verified address is appointed a group admin
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(admin.getString("email"), "opv_"))).status());
    assertEquals(204, gateway.send("PUT", "/v1/organization-groups/" + groupId + "/admins/" + admin.getString("id"),
        operator, null).status());
    var token = admin.getString("token");
    var templateId = ok(gateway.postJson("/v1/organizations", token, new JsonObject().put("name", "template-" + suffix)
        .put("title", "Template").put("groupId", groupId))).getString("id");
    var base = "/v1/organizations/" + templateId;
    ok(gateway.postJson(base + "/roles", token, new JsonObject().put("name", "auditor").put("title", "Auditor")
        .put("permissions", new JsonArray().add("app_organization_get").add("app_audit_list"))));
    // an account in no organization joins one of the group's by id only if the group's admin made it
    var member = ok(gateway.postJson("/v1/users", token,
        new JsonObject().put("email", "member-" + suffix + "@e2e.test")));
    ok(gateway.postJson(base + "/users", token, new JsonObject()
        .put("userIds", new JsonArray().add(member.getString("id"))).put("roles", new JsonArray().add("auditor"))));
    var team = ok(gateway.postJson(base + "/groups", token, new JsonObject().put("name", "support"))).getString("id");
    ok(gateway.postJson(base + "/groups/" + team + "/users", token,
        new JsonObject().put("userIds", new JsonArray().add(member.getString("id")))));
    var workspaces = new ArrayList<String>();
    var schemas = new ArrayList<String>();
    for (int i = 0; i < size; i++) {
      workspaces.add(ok(gateway.postJson(base + "/workspaces", token, new JsonObject().put("name", "ws-" + i))).getString("id"));
      schemas.add(ok(gateway.postJson(base + "/schemas", token, new JsonObject().put("name", "schema-" + i)
          .put("content", new JsonObject().put("type", "object")))).getString("id"));
    }
    var queues = new ArrayList<String>();
    for (int i = 0; i < 2 * size; i++) {
      queues.add(ok(gateway.postJson(base + "/queues", token, new JsonObject().put("name", "queue-" + i)
          .put("workspaceId", workspaces.get(i % size)).put("schemaId", schemas.get(i % size))
          .put("settings", new JsonObject().put("fallbackSchema", schemas.get((i + 1) % size))))).getString("id"));
    }
    var hooks = new ArrayList<String>();
    for (int i = 0; i < 2 * size; i++) {
      var runAfter = i == 0 ? new JsonArray() : new JsonArray().add(hooks.get(i - 1));
      hooks.add(ok(gateway.postJson(base + "/hooks", token, new JsonObject().put("name", "hook-" + i)
          .put("url", "https://hooks.example.com/" + i).put("events", new JsonArray().add("queue.created"))
          .put("queueIds", new JsonArray().add(queues.get(i))).put("runAfter", runAfter))).getString("id"));
    }
    return new GroupTemplate(groupId, group.getString("createKey"), token, templateId, queues.size(), hooks.size());
  }

  /** A batch of {@code count} new tenants named after {@code prefix}; answers the batch as queued. */
  JsonObject provision(Gateway gateway, String prefix, int count, int concurrency) {
    var targets = new JsonArray();
    for (int i = 0; i < count; i++) {
      targets.add(new JsonObject().put("name", prefix + "-" + i).put("title", "Tenant " + i));
    }
    var reply = gateway.postJson("/v1/provisioning/batches", adminToken, new JsonObject()
        .put("templateOrganization", templateId).put("groupId", groupId).put("targets", targets)
        .put("concurrency", concurrency));
    assertEquals(202, reply.status(), reply.body());
    return reply.json();
  }

  /** Polls a job or batch until it has ended. */
  JsonObject awaitEnd(Gateway gateway, String path, long timeoutMillis) {
    return awaitEnd(gateway, adminToken, path, timeoutMillis);
  }

  /** Polls a job or batch, as whoever {@code token} is, until it has ended. */
  static JsonObject awaitEnd(Gateway gateway, String token, String path, long timeoutMillis) {
    var deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      var reply = gateway.get(path, token);
      if (reply.status() == 200 && java.util.List.of("succeeded", "failed", "cancelled")
          .contains(reply.json().getString("status"))) {
        return reply.json();
      }
      sleep(200);
    }
    throw new AssertionError(path + " did not end: " + gateway.get(path, token).body());
  }

  /** Every job of a batch. */
  JsonArray jobs(Gateway gateway, String batchId) {
    var reply = gateway.get("/v1/provisioning/batches/" + batchId + "/jobs?limit=500", adminToken);
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items");
  }

  /**
   * How many times the end of each of {@code jobIds} was reported to the template (its audit trail), once
   * each has been at least once, or after 90 s: reports leave the engines' outbox after the jobs end (a
   * report a killed engine had claimed waits for its 30 s lease).
   */
  java.util.Map<String, Long> reportedEnds(Gateway gateway, java.util.Set<String> jobIds) {
    var deadline = System.currentTimeMillis() + 90_000;
    while (true) {
      var counts = new java.util.HashMap<String, Long>();
      CursorPages.all(cursor -> {
        var reply = gateway.get("/v1/organizations/" + templateId
            + "/audit-events?limit=500&action=provisioning.job.finished" + (cursor == null ? "" : "&cursor=" + cursor),
            adminToken);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
      }).stream().map(e -> e.getString("target").substring("job:".length())).filter(jobIds::contains)
          .forEach(job -> counts.merge(job, 1L, Long::sum));
      if (counts.keySet().containsAll(jobIds) || System.currentTimeMillis() > deadline) {
        return counts;
      }
      sleep(200);
    }
  }

  /** The diff of a copy from this template. */
  JsonObject diff(Gateway gateway, String target) {
    var reply = gateway.get("/v1/provisioning/diff?source=" + templateId + "&target=" + target, adminToken);
    assertEquals(200, reply.status(), reply.body());
    return reply.json();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject register(Gateway gateway, String name) {
    var email = name + "@e2e.test";
    var user = ok(gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-" + name).put("name", name)));
    return user.put("token", gateway.token(email, "password-" + name));
  }

  private static JsonObject ok(Gateway.Reply reply) {
    assertEquals(2, reply.status() / 100, reply.body());
    return reply.json();
  }
}
