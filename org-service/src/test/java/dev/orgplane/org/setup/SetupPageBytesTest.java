package dev.orgplane.org.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.org.OrgServiceHarness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pages of setup objects, a list's and a copy's, are bounded in bytes ({@link PageBytes#MAX_BYTES}) as well as in
 * count: objects of a megabyte each made a list's page of 500 half a gigabyte, decoded in the service at once.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetupPageBytesTest {

  private static final String MEGABYTE = "x".repeat(1_000_000);

  private OrgServiceHarness org;
  private OrgServiceHarness.Account owner;

  @BeforeAll
  void start(Vertx vertx) {
    // bodies large enough for an object bigger than a whole page
    org = OrgServiceHarness.start(vertx, "ORGPLANE_BODY_LIMIT_BYTES", String.valueOf(6 * 1024 * 1024));
    owner = org.newUser("owner");
  }

  private String newOrg() {
    return "/v1/organizations/" + org.createOrg(owner.token(), "b-" + UUID.randomUUID().toString().substring(0, 8))
        .getString("id");
  }

  private String create(String path, JsonObject body) {
    var created = org.post(path, owner.token(), body);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("id");
  }

  private static JsonObject filled(int megabytes) {
    return new JsonObject().put("d", MEGABYTE.repeat(megabytes));
  }

  /** Every page of the list, followed by cursor; each page's ids. */
  private List<List<String>> listPages(String path) {
    var pages = new ArrayList<List<String>>();
    String cursor = null;
    do {
      var page = org.get(path + "?limit=500" + (cursor == null ? "" : "&cursor=" + cursor), owner.token());
      assertEquals(200, page.statusCode(), page.bodyAsString());
      var body = page.bodyAsJsonObject();
      pages.add(body.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("id")).toList());
      cursor = body.getString("nextCursor");
    } while (cursor != null);
    return pages;
  }

  /** Every page of a copy of {@code kind} from {@code from} into {@code into}, followed by cursor; each page's ids. */
  private List<List<String>> copyPages(String from, String into, String kind) {
    var pages = new ArrayList<List<String>>();
    String cursor = null;
    do {
      var copied = org.post(into + "/" + kind + ":copy?limit=5000" + (cursor == null ? "" : "&cursor=" + cursor),
          owner.token(), new JsonObject().put("from", from.substring(from.lastIndexOf('/') + 1)));
      assertEquals(200, copied.statusCode(), copied.bodyAsString());
      var answer = copied.bodyAsJsonObject();
      var ids = answer.getJsonArray("sourceIds").stream().map(String.class::cast).toList();
      assertEquals(ids.size(), answer.getLong("created"), answer.encode());
      pages.add(ids);
      cursor = answer.getString("nextCursor");
    } while (cursor != null);
    return pages;
  }

  private static List<String> all(List<List<String>> pages) {
    return pages.stream().flatMap(List::stream).toList();
  }

  @Test
  void aListPageOfLargeObjectsEndsEarlyWithACursorToTheRest() {
    var path = newOrg() + "/schemas";
    var ids = new ArrayList<String>();
    for (int i = 0; i < 10; i++) {
      ids.add(create(path, new JsonObject().put("name", "s" + i).put("content", filled(1))));
    }
    var pages = listPages(path);
    assertEquals(List.of(4, 4, 2), pages.stream().map(List::size).toList(),
        "four objects of a megabyte fill a page; the rest follow by cursor");
    assertEquals(ids.stream().sorted().toList(), all(pages), "every object listed once, in order");
  }

  @Test
  void aCopyPageOfLargeFreeFormDataEndsEarlyAndTheCopyGoesOnByCursor() {
    var template = newOrg();
    var target = newOrg();
    var workspace = create(template + "/workspaces", new JsonObject().put("name", "main"));
    var schema = create(template + "/schemas", new JsonObject().put("name", "s")
        .put("content", new JsonObject().put("type", "object")));
    var ids = new ArrayList<String>();
    for (int i = 0; i < 10; i++) {
      ids.add(create(template + "/queues", new JsonObject().put("name", "q" + i).put("workspaceId", workspace)
          .put("schemaId", schema).put("settings", filled(1))));
    }
    assertEquals(1, copyPages(template, target, "workspaces").size());
    assertEquals(1, copyPages(template, target, "schemas").size());

    var pages = copyPages(template, target, "queues");
    assertEquals(List.of(4, 4, 2), pages.stream().map(List::size).toList(),
        "four queues' settings of a megabyte fill a page; the rest follow by cursor");
    assertEquals(ids.stream().sorted().toList(), all(pages), "every queue copied once, in order");
    assertEquals(10, all(listPages(target + "/queues")).size());
  }

  @Test
  void anObjectLargerThanAPageStillComesAloneInAListAndACopy() {
    var template = newOrg();
    var target = newOrg();
    var workspace = create(template + "/workspaces", new JsonObject().put("name", "main"));
    var schema = create(template + "/schemas", new JsonObject().put("name", "s")
        .put("content", new JsonObject().put("type", "object")));
    var ids = new ArrayList<String>();
    for (var size : List.of(0, 5, 0)) {
      ids.add(create(template + "/queues", new JsonObject().put("name", "q" + ids.size())
          .put("workspaceId", workspace).put("schemaId", schema).put("settings", filled(size))));
    }
    var listed = listPages(template + "/queues");
    assertEquals(List.of(List.of(ids.get(0)), List.of(ids.get(1)), List.of(ids.get(2))), listed,
        "the object of five megabytes ends the page before it and comes alone");
    copyPages(template, target, "workspaces");
    copyPages(template, target, "schemas");
    assertEquals(listed, copyPages(template, target, "queues"));
    var copy = org.get(target + "/queues/" + IdFunction.nameBasedIn(target.substring(target.lastIndexOf('/') + 1))
        .apply(ids.get(1)), owner.token());
    assertEquals(filled(5), copy.bodyAsJsonObject().getJsonObject("settings"), "the large queue is copied whole");
  }
}
