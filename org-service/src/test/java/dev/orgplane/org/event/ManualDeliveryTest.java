package dev.orgplane.org.event;

import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.kit.testing.UncommittedTransaction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Pings and redeliveries: queued by hand, sent like every delivery, refused where no delivery may go. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManualDeliveryTest {

  private static final String SECRET = "ping-receiver-secret-0123456789";

  /** A delivery as its receiver got it: {@code body} the bytes sent, {@code payload} what they say. */
  record Received(String event, String delivery, boolean signatureValid, JsonObject payload, String body) {
  }

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private OrgServiceHarness org;

  @BeforeAll
  void start(Vertx vertx) {
    receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      var parts = req.getHeader("Orgplane-Signature").split(",");
      long t = Long.parseLong(parts[0].substring(2));
      received.add(new Received(req.getHeader("Orgplane-Event"), req.getHeader("Orgplane-Delivery"),
          parts[1].equals("v1=" + HookDispatcher.sign(SECRET, t, body)), body.toJsonObject(),
          body.toString(StandardCharsets.UTF_8)));
      req.response().end();
    })).listen(0, "127.0.0.1").await();
    // a failed attempt is retried only after a minute: a delivery to a closed port stays pending meanwhile
    org = OrgServiceHarness.start(vertx, PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS), new JsonObject()
        .put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true").put("ORGPLANE_HOOK_POLL_MILLIS", "50")
        .put("ORGPLANE_HOOK_RETRY_BASE_MILLIS", "60000"));
  }

  private record Hooked(OrgServiceHarness.Account owner, String orgId, String hookId) {
    String path(String rest) {
      return "/v1/organizations/" + orgId + "/hooks/" + hookId + rest;
    }
  }

  private Hooked hooked(String url) {
    var owner = org.newUser("owner");
    var orgId = org.createOrg(owner.token(), "ping-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var hook = org.post("/v1/organizations/" + orgId + "/hooks", owner.token(), new JsonObject().put("name", "receiver")
        .put("url", url).put("secret", SECRET).put("events", new JsonArray().add("member.added")));
    assertEquals(201, hook.statusCode(), hook.bodyAsString());
    return new Hooked(owner, orgId, hook.bodyAsJsonObject().getString("id"));
  }

  private String receiverUrl() {
    return "http://localhost:" + receiver.actualPort() + "/events";
  }

  @Test
  void aPingIsSignedLikeEveryDeliveryAndFoundWhereItsLocationSays() throws InterruptedException {
    var h = hooked(receiverUrl());
    var ping = org.post(h.path("/pings"), h.owner().token(), null);
    assertEquals(202, ping.statusCode(), ping.bodyAsString());
    var queued = ping.bodyAsJsonObject();
    assertEquals("ping", queued.getString("event"));
    assertEquals("pending", queued.getString("state"));
    assertNotNull(queued.getString("nextAttemptAt"), "a pending delivery says when it is tried");
    assertNull(queued.getString("redeliveryOf"));
    var location = ping.getHeader("Location");
    assertEquals(h.path("/deliveries/" + queued.getString("id")), location);

    var got = receivedAs(queued.getString("id"));
    assertEquals("ping", got.event());
    assertTrue(got.signatureValid(), "signed with the hook's secret");
    assertEquals(h.orgId(), got.payload().getString("organizationId"));
    assertEquals("hook:" + h.hookId(), got.payload().getString("target"));
    var delivered = settled(h, location);
    assertEquals("delivered", delivered.getString("state"));
    assertNull(delivered.getString("nextAttemptAt"), "a delivered one is not tried again");
    assertEquals(1, org.audited(h.owner().token(), h.orgId(), "hook.pinged").size());
  }

  /** The answer, Location included, commits with the queued ping: a retry with its key gets it and queues none. */
  @Test
  void aPingRetriedWithItsIdempotencyKeyIsQueuedOnce() {
    var h = hooked(receiverUrl());
    var key = MultiMap.caseInsensitiveMultiMap().add("Idempotency-Key", UUID.randomUUID().toString());
    var first = org.send(HttpMethod.POST, h.path("/pings"), h.owner().token(), null, key);
    var retry = org.send(HttpMethod.POST, h.path("/pings"), h.owner().token(), null, key);
    assertEquals(202, retry.statusCode(), retry.bodyAsString());
    assertEquals("true", retry.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), retry.bodyAsJsonObject());
    assertEquals(h.path("/deliveries/" + first.bodyAsJsonObject().getString("id")), retry.getHeader("Location"));
    assertEquals(1, org.audited(h.owner().token(), h.orgId(), "hook.pinged").size());
  }

  @Test
  void aRedeliverySendsTheSamePayloadUnderANewDeliveryId() throws InterruptedException {
    var h = hooked(receiverUrl());
    var first = org.post(h.path("/pings"), h.owner().token(), null).bodyAsJsonObject().getString("id");
    var original = receivedAs(first);
    settled(h, h.path("/deliveries/" + first));

    var again = org.post(h.path("/deliveries/" + first + "/redeliver"), h.owner().token(), null);
    assertEquals(202, again.statusCode(), again.bodyAsString());
    var redelivery = again.bodyAsJsonObject();
    assertNotEquals(first, redelivery.getString("id"));
    assertEquals(first, redelivery.getString("redeliveryOf"));
    assertEquals(h.path("/deliveries/" + redelivery.getString("id")), again.getHeader("Location"));
    var repeated = receivedAs(redelivery.getString("id"));
    assertEquals(original.body(), repeated.body(), "the payload, its event id included, is the original's, byte for "
        + "byte");
    assertEquals(1, PgFixture.queryLong(org.db(), "SELECT count(DISTINCT payload_id) FROM org.hook_deliveries "
        + "WHERE hook_id = '" + h.hookId() + "' AND payload IS NULL"), "both name the one payload stored");
    assertTrue(repeated.signatureValid());
    assertEquals(first, settled(h, again.getHeader("Location")).getString("redeliveryOf"));
    assertEquals(new JsonObject().put("deliveryId", first), org.audited(h.owner().token(), h.orgId(),
        "hook.redelivered").getJsonObject(0).getJsonObject("details"));
  }

  /** A delivery queued before V64, its payload held inline (V64), is redelivered with that payload's bytes. */
  @Test
  void aRedeliveryOfADeliveryQueuedBeforeV64SendsItsOwnPayload() throws InterruptedException {
    var h = hooked(receiverUrl());
    var first = UUID.randomUUID().toString();
    PgFixture.execute(org.db(), "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload, state, public_id) "
        + "VALUES ('" + h.orgId() + "', '" + h.hookId() + "', 'member.added', '{\"event\": \"member.added\", "
        + "\"label\": \"pre-v64\"}', 'delivered', '" + first + "')");

    var again = org.post(h.path("/deliveries/" + first + "/redeliver"), h.owner().token(), null);
    assertEquals(202, again.statusCode(), again.bodyAsString());
    var repeated = receivedAs(again.bodyAsJsonObject().getString("id"));
    assertEquals(new JsonObject(PgFixture.queryString(org.db(), "SELECT payload::text FROM org.hook_deliveries "
        + "WHERE public_id = '" + first + "'")).encode(), repeated.body());
    assertEquals("pre-v64", repeated.payload().getString("label"));
  }

  /**
   * A page's cursor names one of its own hook's deliveries: another hook's in the organization is refused, where it
   * started the page wherever that delivery lay among all the organization's, skipping this hook's after it.
   */
  @Test
  void aDeliveriesCursorIsOneOfItsOwnHooks() {
    var h = hooked("http://localhost:9/closed");
    var other = org.post("/v1/organizations/" + h.orgId() + "/hooks", h.owner().token(), new JsonObject()
        .put("name", "other").put("url", "http://localhost:9/other").put("events", new JsonArray().add("member.added")))
        .bodyAsJsonObject().getString("id");
    var otherHook = "/v1/organizations/" + h.orgId() + "/hooks/" + other;
    for (var i = 0; i < 2; i++) {
      assertEquals(202, org.post(h.path("/pings"), h.owner().token(), null).statusCode());
      assertEquals(202, org.post(otherHook + "/pings", h.owner().token(), null).statusCode());
    }

    var firstPage = org.get(h.path("/deliveries?limit=1"), h.owner().token()).bodyAsJsonObject();
    var own = firstPage.getString("nextCursor");
    assertEquals(1, org.get(h.path("/deliveries?cursor=" + own), h.owner().token()).bodyAsJsonObject()
        .getJsonArray("items").size(), "its own cursor pages on");
    var othersCursor = org.get(otherHook + "/deliveries?limit=1", h.owner().token()).bodyAsJsonObject()
        .getString("nextCursor");
    assertProblem(org.get(h.path("/deliveries?cursor=" + othersCursor), h.owner().token()), 400, "invalid_cursor");
  }

  @Test
  void noDeliveryIsQueuedByHandWhereNoneMayGo() throws InterruptedException {
    var h = hooked("http://localhost:9/closed");
    var token = h.owner().token();
    var pending = org.post(h.path("/pings"), token, null).bodyAsJsonObject().getString("id");
    JsonObject retrying;
    do {
      Thread.sleep(50);
      retrying = org.get(h.path("/deliveries/" + pending), token).bodyAsJsonObject();
    } while (retrying.getJsonArray("attempts").isEmpty());
    assertEquals("pending", retrying.getString("state"));
    assertTrue(Instant.parse(retrying.getString("nextAttemptAt")).isAfter(Instant.now().plusSeconds(30)),
        "a retry after a failed attempt waits for its backoff: " + retrying);
    assertProblem(org.post(h.path("/deliveries/" + pending + "/redeliver"), token, null), 409, "delivery_pending");

    var viewer = org.newUser("viewer");
    org.addMembers(h.orgId(), List.of(viewer.id()), "viewer");
    assertEquals(200, org.get(h.path("/deliveries/" + pending), viewer.token()).statusCode());
    assertProblem(org.post(h.path("/pings"), viewer.token(), null), 403, "forbidden");
    assertProblem(org.post(h.path("/pings"), org.newUser("stranger").token(), null), 404, "organization_not_found");

    var otherHook = "/v1/organizations/" + h.orgId() + "/hooks/" + UUID.randomUUID();
    assertProblem(org.post(otherHook + "/pings", token, null), 404, "hook_not_found");
    assertProblem(org.post(otherHook + "/deliveries/" + pending + "/redeliver", token, null), 404, "delivery_not_found");
    assertProblem(org.get(otherHook + "/deliveries/" + pending, token), 404, "delivery_not_found");
    assertProblem(org.post(h.path("/deliveries/" + UUID.randomUUID() + "/redeliver"), token, null), 404,
        "delivery_not_found");
    assertProblem(org.post(h.path("/deliveries/nope/redeliver"), token, null), 400, "validation_failed");

    var done = hooked(receiverUrl());
    var delivered = org.post(done.path("/pings"), done.owner().token(), null).bodyAsJsonObject().getString("id");
    settled(done, done.path("/deliveries/" + delivered));
    assertEquals(200, org.send(HttpMethod.PATCH, done.path(""), done.owner().token(),
        new JsonObject().put("active", false)).statusCode());
    assertProblem(org.post(done.path("/pings"), done.owner().token(), null), 409, "hook_inactive");
    assertProblem(org.post(done.path("/deliveries/" + delivered + "/redeliver"), done.owner().token(), null), 409,
        "hook_inactive");
    assertEquals(1, org.get(done.path("/deliveries"), done.owner().token()).bodyAsJsonObject().getJsonArray("items")
        .size(), "nothing refused was queued");
    assertEquals(0, org.audited(done.owner().token(), done.orgId(), "hook.redelivered").size());
  }

  /**
   * A ping decides with the organization's row held, as every setup write does: one that comes while the organization
   * is being deleted waits for the deletion and finds no organization, where it answered 409 reference_gone (its
   * delivery's foreign key) having decided on the organization as it was.
   */
  @Test
  void aPingDuringTheOrganizationsDeletionFindsNoOrganization() throws Exception {
    var h = hooked("http://localhost:9/closed");
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      // what an organization's deletion does: its row held, then it deleted
      deleting.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", h.orgId());
      deleting.run("DELETE FROM org.organizations WHERE id = ?::uuid", h.orgId());
      assertProblem(deleting.commitOnceWaitedFor(() -> org.post(h.path("/pings"), h.owner().token(), null)), 404,
          "organization_not_found");
    }
  }

  /** A manager demoted while their ping waits for the organization's row is refused it, and nothing is queued. */
  @Test
  void aPingByAManagerDemotedMeanwhileIsRefused() throws Exception {
    var h = hooked("http://localhost:9/closed");
    var manager = org.newUser("manager");
    org.addMembers(h.orgId(), List.of(manager.id()), "manager");
    try (var demoting = UncommittedTransaction.begin(org.db())) {
      // what a change of roles does: the organization's row held, then the membership changed
      demoting.run("SELECT 1 FROM org.organizations WHERE id = ?::uuid FOR UPDATE", h.orgId());
      demoting.run("UPDATE org.memberships SET roles = '{viewer}' WHERE org_id = ?::uuid AND user_id = ?::uuid",
          h.orgId(), manager.id());
      assertProblem(demoting.commitOnceWaitedFor(() -> org.post(h.path("/pings"), manager.token(), null)), 403,
          "forbidden");
    }
    assertEquals(0, PgFixture.queryLong(org.db(), "SELECT count(*) FROM org.hook_deliveries WHERE hook_id = '"
        + h.hookId() + "' AND event = 'ping'"));
  }

  /**
   * A ping or a redelivery waits for a deletion of its hook under way and then finds no hook, where it answered 409
   * reference_gone (its delivery's foreign key).
   */
  @Test
  void aPingOrARedeliveryDuringTheHooksDeletionFindsNoHook() throws Exception {
    var pinged = hooked("http://localhost:9/closed");
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      deleting.run("DELETE FROM org.hooks WHERE id = ?::uuid", pinged.hookId());
      assertProblem(deleting.commitOnceWaitedFor(() -> org.post(pinged.path("/pings"), pinged.owner().token(), null)),
          404, "hook_not_found");
    }
    var redelivered = hooked(receiverUrl());
    var first = org.post(redelivered.path("/pings"), redelivered.owner().token(), null).bodyAsJsonObject()
        .getString("id");
    settled(redelivered, redelivered.path("/deliveries/" + first));
    try (var deleting = UncommittedTransaction.begin(org.db())) {
      deleting.run("DELETE FROM org.hooks WHERE id = ?::uuid", redelivered.hookId());
      assertProblem(deleting.commitOnceWaitedFor(() -> org.post(redelivered.path("/deliveries/" + first
          + "/redeliver"), redelivered.owner().token(), null)), 404, "delivery_not_found");
    }
  }

  /** What the receiver got under this delivery id (its first attempt). */
  private Received receivedAs(String deliveryId) throws InterruptedException {
    var deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      var got = received.stream().filter(r -> r.delivery().equals(deliveryId)).findFirst();
      if (got.isPresent()) {
        return got.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("nothing received as " + deliveryId + ": " + received);
  }

  /** The delivery at {@code location} once it is no longer pending (the receiver answers before it is recorded). */
  private JsonObject settled(Hooked h, String location) throws InterruptedException {
    var deadline = System.currentTimeMillis() + 15_000;
    HttpResponse<Buffer> reply;
    do {
      reply = org.get(location, h.owner().token());
      assertEquals(200, reply.statusCode(), reply.bodyAsString());
      if (!reply.bodyAsJsonObject().getString("state").equals("pending")) {
        return reply.bodyAsJsonObject();
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    throw new AssertionError("still pending: " + reply.bodyAsString());
  }
}
