package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.OrgApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reads through kept pages against a stand-in for org-service that counts the reads of each organization: what a
 * batch's jobs do with their template, and a dry run with its target, whose plan compares every page with it.
 */
class OrgApiClientTest {

  private static Vertx vertx;
  private static OrgApiClient api;
  private static final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    api = StandInOrgService.clientOf(vertx, request -> {
      var organization = request.path().split("/")[3];
      reads.computeIfAbsent(organization, o -> new AtomicInteger()).incrementAndGet();
      // two pages of one queue each
      var first = request.getParam("cursor") == null;
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("items", new JsonArray().add(new JsonObject().put("id", first ? "q1" : "q2")))
          .put("nextCursor", first ? "next" : null).encode());
    });
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anOrganizationWhosePagesAreKeptIsReadOnceWhateverHowOftenItIsListed() {
    var kept = api.keepingPagesOf("target", new KeptPages(60_000, 100).reader());
    for (int i = 0; i < 3; i++) {
      assertEquals(2, listed(kept, "target", "queues"));
      assertEquals(2, listed(kept, "other", "queues"));
    }
    assertEquals(2, reads.get("target").get(), "two pages, read once");
    assertEquals(6, reads.get("other").get(), "two pages, read at every listing");
  }

  /** How many objects {@code api} lists at {@code path} of {@code organization}, read page by page. */
  private static int listed(OrgApi api, String organization, String path) {
    var objects = new AtomicInteger();
    api.forEachPage(organization, path, page -> {
      objects.addAndGet(page.size());
      return Future.succeededFuture();
    }).await();
    return objects.get();
  }

  @Test
  void anIdIsOneSegmentOfItsPath() {
    List<String> reached = new CopyOnWriteArrayList<>();
    var router = Router.router(vertx);
    // org-service's router, which resolves dot segments before it routes
    router.put("/v1/organizations/:organization/roles/:id").handler(ctx -> {
      reached.add(ctx.pathParam("organization") + " " + ctx.pathParam("id"));
      ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end("{}");
    });
    router.route().handler(ctx -> {
      reached.add("elsewhere " + ctx.normalizedPath());
      ctx.response().setStatusCode(404).end();
    });
    var client = StandInOrgService.clientOf(vertx, router::handle);

    client.put("target", "roles", "../../victim/roles/x", new JsonObject()).await();
    assertEquals(List.of("target ../../victim/roles/x"), reached);
    var dots = client.put("target", "roles", "..", new JsonObject());
    assertThrows(IllegalArgumentException.class, dots::await, "dots only are no segment, encoded or not");
    assertEquals(1, reached.size(), "nothing sent");
  }

  /**
   * A member read without an {@code ETag} fails the read, saying so: a change of their roles must name the version it
   * was made from, and one made from no version threw a NullPointerException as it set {@code If-Match}.
   */
  @Test
  void aMemberReadWithoutATagFailsSayingSo() {
    var client = StandInOrgService.clientOf(vertx, request -> request.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("userId", "u1").put("roles", new JsonArray().add("member")).encode()));

    var read = client.member("target", "u1");

    var failure = assertThrows(IllegalStateException.class, read::await);
    assertTrue(failure.getMessage().contains("ETag"), failure.getMessage());
  }
}
