package dev.orgplane.org.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Names a rollout takes from copies that give them up later ({@link WantedNames}), as the provisioning engine writes
 * a template's workspaces into a tenant made from it: a page at a time, by {@code :copy} or by {@code :batch}.
 */
class RolloutNamesTest extends OrgServiceTest {

  /** A template of two workspaces, {@code xx} and {@code yy} (the lower id first), and a tenant the engine made. */
  private final class Rollout {

    final OrgServiceHarness.Account owner = org.newUser("owner");
    final String engine = org.engineToken();
    final JsonObject template = org.createOrg(owner.token(), "tpl-" + UUID.randomUUID().toString().substring(0, 8));
    final List<String> ids = Stream.of("p", "q").map(name -> create(template.getString("id"), name)).sorted().toList();
    final String target;

    Rollout() {
      rename(0, "xx");
      rename(1, "yy");
      var made = org.post("/v1/organizations", engine, new JsonObject()
          .put("name", "copy-" + UUID.randomUUID().toString().substring(0, 8)).put("title", "Copy")
          .put("groupId", template.getString("groupId")).put("ownerId", owner.id())
          .put("provisionedFrom", new JsonObject().put("templateId", template.getString("id"))
              .put("jobId", UUID.randomUUID().toString())));
      assertEquals(201, made.statusCode(), made.bodyAsString());
      target = made.bodyAsJsonObject().getString("id");
      assertEquals(200, copy("").statusCode());
    }

    private String create(String organization, String name) {
      var created = org.post("/v1/organizations/" + organization + "/workspaces", owner.token(),
          new JsonObject().put("name", name));
      assertEquals(201, created.statusCode(), created.bodyAsString());
      return created.bodyAsJsonObject().getString("id");
    }

    /** Renames the template's {@code which}th workspace (by id). */
    void rename(int which, String name) {
      var renamed = org.send(HttpMethod.PATCH, "/v1/organizations/" + template.getString("id") + "/workspaces/"
          + ids.get(which), owner.token(), new JsonObject().put("name", name));
      assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
    }

    HttpResponse<Buffer> copy(String query) {
      return org.post("/v1/organizations/" + target + "/workspaces:copy" + query, engine,
          new JsonObject().put("from", template.getString("id")));
    }

    /** The id of the copy of the template's {@code which}th workspace. */
    String copyId(int which) {
      return IdFunction.nameBased(target, ids.get(which));
    }

    String copyName(int which) {
      return org.get("/v1/organizations/" + target + "/workspaces/" + copyId(which), owner.token()).bodyAsJsonObject()
          .getString("name");
    }

    /** The target's {@code workspace.updated} events of the copy of the template's {@code which}th workspace. */
    List<JsonObject> updates(int which) {
      return org.audited(owner.token(), target, "workspace.updated").stream().map(JsonObject.class::cast)
          .filter(event -> event.getString("target").equals("workspace:" + copyId(which)))
          .map(event -> event.getJsonObject("details")).toList();
    }
  }

  /**
   * A copy of a later page moved out of the way of a name a page of {@code :copy} takes is audited as a patch of its
   * name is, as teams and roles moved aside are (until session 34 its move left no trace: a rollout stopping before
   * its page left a workspace named {@code renaming-…} that no event told of).
   */
  @Test
  void aCopyMovedAsideByAPageOfACopyIsAudited() {
    var rollout = new Rollout();
    rollout.rename(1, "zz");
    rollout.rename(0, "yy");

    var first = rollout.copy("?limit=1");
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals("renaming-", rollout.copyName(1).substring(0, "renaming-".length()));
    var moved = List.of(new JsonObject().put("fields", new JsonArray().add("name")));
    assertEquals(moved, rollout.updates(1));

    var second = rollout.copy("?limit=1&cursor=" + first.bodyAsJsonObject().getString("nextCursor"));
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertEquals(List.of("yy", "zz"), List.of(rollout.copyName(0), rollout.copyName(1)));
    assertEquals(moved, rollout.updates(1), "a copied page is one workspace.copied");
    assertEquals(List.of(), rollout.updates(0));
  }

  /** So is a copy moved out of the way of an item of a {@code :batch} the engine sends. */
  @Test
  void aCopyMovedAsideByABatchIsAudited() {
    var rollout = new Rollout();
    rollout.rename(1, "zz");
    rollout.rename(0, "yy");

    var batch = org.post("/v1/organizations/" + rollout.target + "/workspaces:batch", rollout.engine,
        new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", rollout.copyId(0))
            .put("name", "yy"))));
    assertEquals(200, batch.statusCode(), batch.bodyAsString());
    assertEquals("renaming-", rollout.copyName(1).substring(0, "renaming-".length()));
    assertEquals(List.of(new JsonObject().put("fields", new JsonArray().add("name"))), rollout.updates(1));
    assertEquals(1, rollout.updates(0).size(), "the item's own, as a replace's");
  }
}
