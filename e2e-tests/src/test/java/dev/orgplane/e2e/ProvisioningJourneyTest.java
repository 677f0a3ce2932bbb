package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * An operator and a group admin stamp out 20 tenants from a template, through the gateway, with two
 * engines sharing the work: every job runs once, and every copy equals its template.
 */
class ProvisioningJourneyTest extends TwoEnginesTest {

  @Test
  void twentyTenantsFromOneTemplateEachJobOnceEveryCopyEqualToTheTemplate() {
    var batch = template.provision(gateway, "tenant", 20, 3);
    var path = "/v1/provisioning/batches/" + batch.getString("id");
    long mostRunning = 0;
    var deadline = System.currentTimeMillis() + 180_000;
    for (var seen = batch; !java.util.List.of("succeeded", "failed").contains(seen.getString("status"))
        && System.currentTimeMillis() < deadline; seen = gateway.get(path, template.adminToken()).json()) {
      mostRunning = Math.max(mostRunning, seen.getJsonObject("counts").getLong("running"));
      GroupTemplate.sleep(20);
    }
    assertTrue(mostRunning <= 3, "two engines together keep to the batch's concurrency: " + mostRunning);
    var ended = template.awaitEnd(gateway, path, 180_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals(20, ended.getJsonObject("counts").getLong("succeeded"));
    var jobs = template.jobs(gateway, batch.getString("id"));
    assertEquals(20, jobs.size());
    // the polling above may fall between runs; the runs' own start and end show whether any two overlapped
    assertTrue(mostAtOnce(jobs) >= 2, "the batch ran jobs side by side: " + jobs.encodePrettily());
    for (var raw : jobs) {
      var job = (JsonObject) raw;
      assertEquals(1, job.getInteger("attempts"), "two engines, each job run exactly once: " + job.encode());
      var diff = template.diff(gateway, job.getString("targetOrganization"));
      assertTrue(diff.getBoolean("inSync"), diff.encodePrettily());
    }
    var copy = jobs.getJsonObject(0).getString("targetOrganization");
    for (var kind : java.util.List.of("workspaces", "schemas", "queues", "hooks", "roles", "groups", "users")) {
      assertEquals(names(template.templateId(), kind), names(copy, kind), kind + " of the copy are the template's");
    }
    var queues = gateway.get("/v1/organizations/" + copy + "/queues?limit=500", template.adminToken()).json();
    assertEquals(template.queues(), queues.getJsonArray("items").size());
    var hooks = gateway.get("/v1/organizations/" + copy + "/hooks?limit=500", template.adminToken()).json();
    assertEquals(template.hooks() - 1, hooks.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(h -> !h.getJsonArray("runAfter").isEmpty()).count());
  }

  @Test
  void theGroupsCreateKeyAndScopedTokensWorkForTheGroupOnly() {
    var keyholder = registered("keyholder").token();
    var body = new JsonObject().put("name", "keyed-tenant").put("title", "Keyed").put("groupId", template.groupId());
    assertEquals(403, gateway.postJson("/v1/organizations", keyholder, body).status(), "no key, no group admin");
    var created = gateway.postJson("/v1/organizations", keyholder, body, java.util.Map.of("X-Create-Key",
        template.createKey()));
    assertEquals(201, created.status(), created.body());
    var scoped = gateway.postJson("/v1/organization-groups/" + template.groupId() + "/organizations/"
        + created.json().getString("id") + "/token", template.adminToken(), new JsonObject());
    assertEquals(200, scoped.status(), scoped.body());
    var token = scoped.json().getString("access_token");
    assertEquals(200, gateway.get("/v1/organizations/" + created.json().getString("id"), token).status());
    assertEquals(404, gateway.get("/v1/organizations/" + template.templateId(), token).status(),
        "a scoped token works in its one organization only");
  }

  /** An operator's suspension of a tenant holds against the tenant's own owner, through the gateway. */
  @Test
  void aTenantItsGroupAdminSuspendedStaysSuspendedUntilTheAdminLiftsIt() {
    var owner = registered("suspended").token();
    var created = gateway.postJson("/v1/organizations", owner, new JsonObject().put("name", "unpaid-tenant")
        .put("title", "Unpaid").put("groupId", template.groupId()), java.util.Map.of("X-Create-Key",
        template.createKey()));
    assertEquals(201, created.status(), created.body());
    var tenant = "/v1/organizations/" + created.json().getString("id");

    var suspended = gateway.postJson(tenant + "/disable", template.adminToken(),
        new JsonObject().put("reason", "invoice 2026-11 unpaid"));
    assertEquals(200, suspended.status(), suspended.body());

    var lifted = gateway.postJson(tenant + "/enable", owner, new JsonObject());
    assertEquals(403, lifted.status(), lifted.body());
    assertEquals("suspended_by_operator", lifted.json().getString("code"));
    var seen = gateway.get(tenant, owner).json();
    assertEquals("disabled", seen.getString("state"));
    assertEquals("group", seen.getString("disabledBy"));
    assertEquals("invoice 2026-11 unpaid", seen.getString("disabledReason"));
    assertEquals(403, gateway.get(tenant + "/queues", owner).status(), "the owner cannot work in it meanwhile");
    assertEquals(200, gateway.postJson(tenant + "/enable", template.adminToken(), new JsonObject()).status());
    assertEquals(200, gateway.get(tenant + "/queues", owner).status(), "and can once the admin lifted it");
  }

  /**
   * A batch naming a new tenant's owner ends with the engine's invitation, mailed to the address; its addressee
   * registers, accepts and owns the tenant. Running the batch again invites no one twice: the pending invitation is
   * left as it was (inviting again would make it anew), and once accepted the invitee is a member the copy keeps.
   */
  @Test
  void aNamedOwnerIsInvitedOnceByTheEngineAcceptsAndOwnsTheTenant() {
    var email = "named-owner@e2e.test";
    // a title outside ASCII, as many a tenant's is: the mail naming it is encoded, its subject and body alike
    var targets = new JsonArray().add(new JsonObject().put("name", "owned-tenant").put("title", "Société Owned")
        .put("owner", new JsonObject().put("email", email)));
    var first = succeededBatch(targets);
    assertEquals(1, first.getJsonObject("owners").getLong("invited"), first.encode());
    var job = template.jobs(gateway, first.getString("id")).getJsonObject(0);
    assertEquals(new JsonObject().put("email", email).put("invitation", "invited"), job.getJsonObject("owner"));
    var tenant = "/v1/organizations/" + job.getString("targetOrganization");
    var invitation = pendingInvitation(tenant, email);
    assertEquals(new JsonArray().add("owner"), invitation.getJsonArray("roles"));
    var mail = platform.awaitMail(email, "invitation", m -> m.subject().equals("You are invited to Société Owned"));
    assertTrue(mail.body().contains(invitation.getString("id")), "the mail names the invitation: " + mail.body());

    var retried = gateway.postJson("/v1/provisioning/batches/" + first.getString("id") + "/retry",
        template.adminToken(), new JsonObject());
    assertEquals(409, retried.status(), retried.body());
    assertEquals("batch_not_retryable", retried.json().getString("code"));
    var again = succeededBatch(targets);
    assertEquals(1, again.getJsonObject("owners").getLong("already_invited"), again.encode());
    assertEquals(invitation, pendingInvitation(tenant, email), "the invitation was not made anew");

    var register = gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "named-owner-password").put("name", "Named Owner"));
    assertEquals(201, register.status(), register.body());
    var invitee = gateway.token(email, "named-owner-password");
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(email, "opv_"))).status());
    // the verification mail, queued after both runs, has arrived: an invitation mail of the second would have too
    assertEquals(1, platform.mailsTo(email).stream().filter(m -> m.subject().startsWith("You are invited")).count());
    var mine = gateway.get("/v1/users/me/invitations", invitee);
    assertEquals(200, mine.status(), mine.body());
    assertEquals(List.of(invitation.getString("id")), mine.json().getJsonArray("items").stream()
        .map(JsonObject.class::cast).map(i -> i.getString("id")).toList());
    var accepted = gateway.postJson("/v1/invitations/" + invitation.getString("id") + "/accept", invitee,
        new JsonObject());
    assertEquals(200, accepted.status(), accepted.body());
    assertEquals(new JsonArray().add("owner"), member(tenant, email).getJsonArray("roles"));

    var afterAccepting = succeededBatch(targets);
    assertEquals(1, afterAccepting.getJsonObject("owners").getLong("already_member"), afterAccepting.encode());
    assertEquals(new JsonArray().add("owner"), member(tenant, email).getJsonArray("roles"),
        "a copy keeps the owner it invited");
    assertEquals(200, gateway.get(tenant, invitee).status(), "who owns the tenant reads it");
  }

  /**
   * A template member, copied into a new tenant with their custom role, named its owner is made owner there, keeping
   * that role: until session 44 they were counted {@code already_member} and never became owner. Running the batch
   * again finds them owner and writes nothing.
   */
  @Test
  void aTemplateMemberNamedOwnerIsMadeOwnerKeepingTheirRolesOnce() {
    var templateMember = memberHolding("/v1/organizations/" + template.templateId(), "auditor");
    var email = templateMember.getString("email");
    var targets = new JsonArray().add(new JsonObject().put("name", "member-owned-tenant")
        .put("owner", new JsonObject().put("email", email)));

    var first = succeededBatch(targets);
    assertEquals(1, first.getJsonObject("owners").getLong("made_owner"), first.encode());
    var job = template.jobs(gateway, first.getString("id")).getJsonObject(0);
    assertEquals(new JsonObject().put("email", email).put("invitation", "made_owner"), job.getJsonObject("owner"));
    var tenant = "/v1/organizations/" + job.getString("targetOrganization");
    assertEquals(List.of("auditor", "owner"), sortedRoles(member(tenant, email)), "their template role is kept");
    var invitations = gateway.get(tenant + "/invitations?email=" + email, template.adminToken());
    assertEquals(0, invitations.json().getJsonArray("items").size(), "no one was invited: " + invitations.body());

    var again = succeededBatch(targets);
    assertEquals(1, again.getJsonObject("owners").getLong("already_member"), again.encode());
    assertEquals(0, again.getJsonObject("owners").getLong("made_owner"), again.encode());
    assertEquals(List.of("auditor", "owner"), sortedRoles(member(tenant, email)));
    var changed = gateway.get(tenant + "/audit-events?action=member.roles_changed", template.adminToken());
    assertEquals(200, changed.status(), changed.body());
    assertEquals(1, changed.json().getJsonArray("items").size(), "the re-run wrote nothing: " + changed.body());
  }

  private static List<String> sortedRoles(JsonObject member) {
    return member.getJsonArray("roles").stream().map(String.class::cast).sorted().toList();
  }

  /**
   * A group admin's job naming an owner for a tenant of the template that another admin owns adopts it and invites
   * the owner; the trail names the job's requester with the invitation. The requester, their account moved to the
   * invited address since, is refused its acceptance (403 {@code self_grant_refused}: until session 42 they became
   * the owner of the other admin's tenant), and is no member of it; the invitation stays, and whoever holds the address
   * next accepts it and owns the tenant.
   */
  @Test
  void aRequesterWhoMovedToTheirJobsOwnerAddressIsRefusedTheTenantAndItsNextHolderOwnsIt() {
    var name = "adopted-tenant";
    var made = succeededJob(template.adminToken(), new JsonObject().put("name", name).put("title", "Adopted"));
    var tenant = "/v1/organizations/" + made.getString("targetOrganization");
    var requester = verified(registered("second-admin"));
    var operator = gateway.token(platform.adminEmail(), platform.adminPassword());
    assertEquals(204, gateway.send("PUT", "/v1/organization-groups/" + template.groupId() + "/admins/"
        + requester.id(), operator, null).status());

    var address = "adopted-owner@e2e.test";
    var adopted = succeededJob(requester.token(), new JsonObject().put("name", name).put("title", "Adopted")
        .put("owner", new JsonObject().put("email", address)));
    assertEquals(made.getString("targetOrganization"), adopted.getString("targetOrganization"), "the job adopted it");
    assertEquals(new JsonObject().put("email", address).put("invitation", "invited"), adopted.getJsonObject("owner"));
    var invitation = pendingInvitation(tenant, address).getString("id");
    var created = gateway.get(tenant + "/audit-events?action=invitation.created", template.adminToken());
    assertEquals(200, created.status(), created.body());
    assertEquals(requester.id(), created.json().getJsonArray("items").getJsonObject(0).getJsonObject("details")
        .getString("requestedBy"), created.body());

    var moved = movedTo(requester, address);
    var refused = gateway.postJson("/v1/invitations/" + invitation + "/accept", moved.token(), new JsonObject());
    assertEquals(403, refused.status(), refused.body());
    assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
    assertEquals("self_grant_refused", refused.json().getString("code"));
    assertEquals(404, gateway.get(tenant + "/users/" + requester.id(), template.adminToken()).status(),
        "the requester is no member");
    assertEquals(invitation, pendingInvitation(tenant, address).getString("id"), "the invitation stays");

    // the requester gives the address up, and someone else registers it
    movedTo(moved, "second-admin-elsewhere@e2e.test");
    var successor = verified(registered("adopted-owner"));
    var accepted = gateway.postJson("/v1/invitations/" + invitation + "/accept", successor.token(), new JsonObject());
    assertEquals(200, accepted.status(), accepted.body());
    assertEquals(new JsonArray().add("owner"), member(tenant, address).getJsonArray("roles"));
    assertEquals(successor.id(), member(tenant, address).getString("userId"));
  }

  /** The job of {@code target} from the template, queued by whoever {@code token} is, once it has succeeded. */
  private JsonObject succeededJob(String token, JsonObject target) {
    var queued = gateway.postJson("/v1/provisioning/jobs", token, new JsonObject()
        .put("templateOrganization", template.templateId()).put("target", target));
    assertEquals(202, queued.status(), queued.body());
    var ended = GroupTemplate.awaitEnd(gateway, token, "/v1/provisioning/jobs/" + queued.json().getString("id"),
        120_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    return ended;
  }

  /** The batch of {@code targets} from the template, once it has succeeded. */
  private JsonObject succeededBatch(JsonArray targets) {
    var queued = gateway.postJson("/v1/provisioning/batches", template.adminToken(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("targets", targets));
    assertEquals(202, queued.status(), queued.body());
    var ended = template.awaitEnd(gateway, "/v1/provisioning/batches/" + queued.json().getString("id"), 120_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    return ended;
  }

  /** The one pending invitation of {@code email} into {@code tenant}, as its owners see it. */
  private JsonObject pendingInvitation(String tenant, String email) {
    var reply = gateway.get(tenant + "/invitations?email=" + email, template.adminToken());
    assertEquals(200, reply.status(), reply.body());
    var items = reply.json().getJsonArray("items");
    assertEquals(1, items.size(), reply.body());
    return items.getJsonObject(0);
  }

  /** The member of {@code tenant} whose address is {@code email}. */
  private JsonObject member(String tenant, String email) {
    return member(tenant, m -> m.getString("email").equalsIgnoreCase(email), email);
  }

  /** A member of {@code organization} who holds {@code role}. */
  private JsonObject memberHolding(String organization, String role) {
    return member(organization, m -> m.getJsonArray("roles").contains(role), "a holder of " + role);
  }

  private JsonObject member(String organization, Predicate<JsonObject> which, String named) {
    var reply = gateway.get(organization + "/users?limit=500", template.adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").stream().map(JsonObject.class::cast).filter(which).findFirst()
        .orElseThrow(() -> new AssertionError(named + " is no member: " + reply.body()));
  }

  private record Run(OffsetDateTime start, OffsetDateTime end) {
  }

  /** The most of {@code jobs} under way at once, from the time the database stamped on their start and end. */
  private static long mostAtOnce(JsonArray jobs) {
    var runs = jobs.stream().map(JsonObject.class::cast).map(job -> new Run(
        OffsetDateTime.parse(job.getString("startedAt")), OffsetDateTime.parse(job.getString("finishedAt")))).toList();
    return runs.stream().mapToLong(run -> runs.stream()
        .filter(other -> !other.start().isAfter(run.start()) && other.end().isAfter(run.start())).count())
        .max().orElse(0);
  }

  /** Someone signed in at {@code email}: their account's id, their password and a token. */
  private record Person(String id, String email, String password, String token) {
  }

  /** Someone who has just registered, {@code <label>@e2e.test}, outside every organization. */
  private Person registered(String label) {
    var email = label + "@e2e.test";
    var reply = gateway.postJson("/v1/auth/register", null, new JsonObject().put("email", email)
        .put("password", "password-" + label).put("name", label));
    assertEquals(201, reply.status(), reply.body());
    return new Person(reply.json().getString("id"), email, "password-" + label,
        gateway.token(email, "password-" + label));
  }

  /** {@code person}, their address verified with the token registering mailed it. */
  private Person verified(Person person) {
    assertEquals(204, gateway.postJson("/v1/auth/email-verifications/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(person.email(), "opv_"))).status());
    return person;
  }

  /** {@code person} moved to {@code email}, as they move: asked with their password, confirmed from the new address. */
  private Person movedTo(Person person, String email) {
    var asked = gateway.send("PUT", "/v1/users/me/email", person.token(), new JsonObject().put("email", email)
        .put("password", person.password()));
    assertEquals(202, asked.status(), asked.body());
    var confirmed = gateway.postJson("/v1/auth/email-changes/confirm", null, new JsonObject()
        .put("token", platform.mailedToken(email, "opc_")));
    assertEquals(204, confirmed.status(), confirmed.body());
    return new Person(person.id(), email, person.password(), gateway.token(email, person.password()));
  }

  private java.util.Set<String> names(String organization, String kind) {
    var reply = gateway.get("/v1/organizations/" + organization + "/" + kind + "?limit=500", template.adminToken());
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").stream().map(JsonObject.class::cast)
        .map(item -> item.getString("name", item.getString("userId"))).collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void progressStreamsAsServerSentEventsThroughTheGateway() throws Exception {
    var job = gateway.postJson("/v1/provisioning/jobs", template.adminToken(), new JsonObject()
        .put("templateOrganization", template.templateId()).put("dryRun", true)
        .put("target", new JsonObject().put("name", "planned-only").put("title", "Plan")));
    assertEquals(202, job.status(), job.body());
    var request = HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/v1/provisioning/jobs/"
            + job.json().getString("id") + "/events"))
        .header("Authorization", "Bearer " + template.adminToken()).timeout(Duration.ofSeconds(60)).build();
    var stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stream.statusCode());
    assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    assertTrue(stream.body().contains("event: job"), stream.body());
    assertTrue(stream.body().contains("event: end\ndata: {\"id\":\"" + job.json().getString("id")
        + "\",\"status\":\"succeeded\"}"), stream.body());
  }

  @Test
  void aBatchStreamsItsProgressUntilItsLastJobEnds() throws Exception {
    var batch = template.provision(gateway, "streamed", 3, 2);
    var request = HttpRequest.newBuilder(URI.create(platform.baseUrl() + "/v1/provisioning/batches/"
            + batch.getString("id") + "/events"))
        .header("Authorization", "Bearer " + template.adminToken()).timeout(Duration.ofSeconds(120)).build();
    var stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, stream.statusCode());
    var events = stream.body().split("\n\n");
    var last = new JsonObject(events[events.length - 2].substring(events[events.length - 2].indexOf("data: ") + 6));
    assertTrue(events[events.length - 2].startsWith("event: batch\n"), stream.body());
    assertEquals(3, last.getJsonObject("counts").getLong("succeeded"), "the last state before the end: " + last);
    assertTrue(last.getJsonObject("objects").getLong("created") > 0, last.encode());
    assertEquals("event: end\ndata: {\"id\":\"" + batch.getString("id") + "\",\"status\":\"succeeded\"}",
        events[events.length - 1].trim());
  }
}
