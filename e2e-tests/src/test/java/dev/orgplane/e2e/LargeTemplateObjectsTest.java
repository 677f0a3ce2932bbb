package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.kit.testing.CursorPages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A template whose objects are large: org-service ends their pages, a list's and a copy's, at a few megabytes, with a
 * cursor to the rest, and the engine's copy and diff page on through them to a whole copy.
 */
class LargeTemplateObjectsTest extends TwoEnginesTest {

  @Test
  void queuesOfNearlyAMegabyteEachAreCopiedWholeOverPagesEndedByTheirSize() {
    var base = "/v1/organizations/" + template.templateId();
    var workspace = gateway.get(base + "/workspaces", template.adminToken()).json().getJsonArray("items")
        .getJsonObject(0).getString("id");
    var schema = gateway.get(base + "/schemas", template.adminToken()).json().getJsonArray("items")
        .getJsonObject(0).getString("id");
    // within the default body limit (1 MiB); five of them pass the bound of a page
    for (int i = 0; i < 5; i++) {
      var created = gateway.postJson(base + "/queues", template.adminToken(), new JsonObject().put("name", "large-" + i)
          .put("workspaceId", workspace).put("schemaId", schema)
          .put("settings", new JsonObject().put("d", String.valueOf(i).repeat(900_000))));
      assertEquals(201, created.status(), created.body());
    }
    var batch = template.provision(gateway, "large", 1, 1);
    var ended = template.awaitEnd(gateway, "/v1/provisioning/batches/" + batch.getString("id"), 180_000);
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    var copy = template.jobs(gateway, batch.getString("id")).getJsonObject(0).getString("targetOrganization");

    var large = settingsByName(copy);
    large.keySet().removeIf(name -> !name.startsWith("large-"));
    for (int i = 0; i < 5; i++) {
      assertEquals(new JsonObject().put("d", String.valueOf(i).repeat(900_000)), large.get("large-" + i),
          "large-" + i + " copied whole");
    }
    var diff = template.diff(gateway, copy);
    assertTrue(diff.getBoolean("inSync"), diff.encodePrettily());
  }

  /** The organization's queues' settings by name, read page by page. */
  private Map<String, JsonObject> settingsByName(String organization) {
    var pages = new JsonArray();
    var queues = CursorPages.all(cursor -> {
      var page = gateway.get("/v1/organizations/" + organization + "/queues?limit=500"
          + (cursor == null ? "" : "&cursor=" + cursor), template.adminToken());
      assertEquals(200, page.status(), page.body());
      pages.add(page.json().getJsonArray("items").size());
      return page.json();
    });
    assertTrue(pages.size() > 1, "the queues' list came in pages ended by their size: " + pages);
    return queues.stream().collect(Collectors.toMap(q -> q.getString("name"), q -> q.getJsonObject("settings"),
        (a, b) -> a, HashMap::new));
  }
}
