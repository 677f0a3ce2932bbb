package dev.orgplane.org.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.testing.Eventually;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dispatcher shares its rounds between organizations first, then between an organization's hooks. */
@ExtendWith(VertxExtension.class)
class HookFairnessTest {

  private static final UUID ORG_A = UUID.fromString("0a000000-0000-7000-8000-000000000000");
  private static final UUID ORG_B = UUID.fromString("0b000000-0000-7000-8000-000000000000");
  private static final UUID GROUP = UUID.fromString("0c000000-0000-7000-8000-000000000000");

  /**
   * Tenant A's 130 hooks on one event, their receiver holding its answers, and tenant B's one hook: B's delivery goes
   * out while A's sends wait, though A's one change queued 130 deliveries before it (it waited 3 s for A's sends to
   * fill every round and end when rounds were shared per hook).
   */
  @Test
  void oneTenantsManyHooksToASlowReceiverDelayNoOtherTenantsDelivery(Vertx vertx) throws InterruptedException {
    var slow = HoldingReceiver.started(vertx, Duration.ZERO);
    var fastReceived = new AtomicInteger();
    var fast = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      fastReceived.incrementAndGet();
      req.response().end();
    })).listen(0, "127.0.0.1").await();
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    var org = OrgServiceHarness.start(vertx, db, new JsonObject().put("ORGPLANE_HOOK_POLL_MILLIS", "50")
        .put("ORGPLANE_HOOKS_ALLOW_PRIVATE_URLS", "true"));
    var a = org.newUser("tenant-a");
    var b = org.newUser("tenant-b");
    var orgA = org.createOrg(a.token(), "many-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    var orgB = org.createOrg(b.token(), "fast-" + UUID.randomUUID().toString().substring(0, 8)).getString("id");
    for (int i = 0; i < 130; i++) {
      hook(org, a.token(), orgA, "h" + i, "http://localhost:" + slow.port() + "/events");
    }
    hook(org, b.token(), orgB, "b", "http://localhost:" + fast.actualPort() + "/events");
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgA, a.token(),
        new JsonObject().put("title", "A")).statusCode());
    assertEquals(200, org.send(HttpMethod.PATCH, "/v1/organizations/" + orgB, b.token(),
        new JsonObject().put("title", "B")).statusCode());
    try {
      Eventually.holds(() -> fastReceived.get() == 1, "tenant B's delivery never went out");
      assertTrue(slow.noneGivenUp(), "tenant B's delivery waited for tenant A's " + slow.received()
          + " sends to end");
      assertTrue(slow.received() <= HookDispatcher.SENDS_PER_ORGANIZATION,
          "tenant A had " + slow.received() + " sends under way at once");
    } finally {
      slow.release();
    }
  }

  /**
   * A claim takes every organization's first turn before any one's second, an organization's turns going to its
   * hooks' oldest first, and no more of an organization than its share less its sends under way.
   */
  @Test
  void aClaimTakesEachOrganizationsShareLessItsSendsUnderWay(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    seed(db, 130, 1);
    var pool = Database.open(vertx, db, 1, List.of()).await();

    var claimed = claim(pool, new UUID[0], new Integer[0]);
    assertEquals(HookDispatcher.SENDS_PER_ORGANIZATION, claimed.stream().filter(ORG_A::equals).count(), "A's");
    assertEquals(1, claimed.stream().filter(ORG_B::equals).count(), "B's");

    var busy = claim(pool, new UUID[] {ORG_A}, new Integer[] {HookDispatcher.SENDS_PER_ORGANIZATION - 3});
    assertEquals(3, busy.stream().filter(ORG_A::equals).count(), "A's with its sends under way");
    var full = claim(pool, new UUID[] {ORG_A}, new Integer[] {HookDispatcher.SENDS_PER_ORGANIZATION});
    assertTrue(full.isEmpty(), "A's share is taken: " + full);
  }

  /** The claim walks V44's index, not every delivery, with a hundred thousand queued for one hook. */
  @Test
  void theClaimReadsTheWaitingIndex(Vertx vertx) {
    var db = PgFixture.freshDatabase(OrgServiceVerticle.MIGRATIONS);
    seed(db, 50, 100_000);
    PgFixture.execute(db, "VACUUM ANALYZE org.hook_deliveries, org.hooks");
    var pool = Database.open(vertx, db, 1, List.of()).await();
    var rows = pool.preparedQuery("EXPLAIN " + HookDispatcher.CLAIM).execute(parameters(new UUID[0], new Integer[0]))
        .await();
    var plan = StreamSupport.stream(rows.spliterator(), false).map((Row row) -> row.getString(0))
        .collect(Collectors.joining("\n"));
    assertTrue(plan.contains("hook_deliveries_waiting_idx"), plan);
    assertFalse(plan.contains("Seq Scan on hook_deliveries"), plan);
  }

  /**
   * Organization A with {@code hooksOfA} hooks, each with one due delivery (its first hook {@code firstHooksQueue}),
   * and B with one hook and one due delivery, queued after A's.
   */
  private static void seed(dev.orgplane.kit.db.PgUrl db, int hooksOfA, int firstHooksQueue) {
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('" + GROUP + "', 'g')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES ('" + ORG_A + "', 'a', 'A', '" + GROUP
            + "'), ('" + ORG_B + "', 'b', 'B', '" + GROUP + "')",
        "INSERT INTO org.hooks (org_id, id, name, url, events, secret) SELECT '" + ORG_A + "', ('0a000000-0000-7000-"
            + "8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'h' || i, 'https://a.example.com/', "
            + "'{organization.updated}', 's' FROM generate_series(1, " + hooksOfA + ") i",
        "INSERT INTO org.hooks (org_id, id, name, url, events, secret) VALUES ('" + ORG_B + "', '" + ORG_B
            + "', 'b', 'https://b.example.com/', '{organization.updated}', 's')",
        "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) SELECT '" + ORG_A + "', id, "
            + "'organization.updated', '{}' FROM org.hooks h, generate_series(1, CASE WHEN name = 'h1' THEN "
            + firstHooksQueue + " ELSE 1 END) WHERE org_id = '" + ORG_A + "'",
        "INSERT INTO org.hook_deliveries (org_id, hook_id, event, payload) VALUES ('" + ORG_B + "', '" + ORG_B
            + "', 'organization.updated', '{}')");
  }

  /** The organizations of the deliveries one claim takes, with {@code busy} sending {@code sends} already. */
  private static List<UUID> claim(io.vertx.sqlclient.Pool pool, UUID[] busy, Integer[] sends) {
    var organizations = new ArrayList<UUID>();
    pool.preparedQuery(HookDispatcher.CLAIM).execute(parameters(busy, sends)).await()
        .forEach(row -> organizations.add(row.getUUID("org_id")));
    return organizations;
  }

  private static Tuple parameters(UUID[] busy, Integer[] sends) {
    return Tuple.of(32, 30_000.0, new UUID[0], HookDispatcher.SENDS_PER_ORGANIZATION, busy, sends);
  }

  private static void hook(OrgServiceHarness org, String token, String orgId, String name, String url) {
    var created = org.post("/v1/organizations/" + orgId + "/hooks", token, new JsonObject().put("name", name)
        .put("url", url).put("events", new JsonArray().add("organization.updated")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
  }
}
