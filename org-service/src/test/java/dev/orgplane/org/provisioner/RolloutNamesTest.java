package dev.orgplane.org.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.org.OrgServiceHarness;
import dev.orgplane.org.OrgServiceTest;
import io.vertx.core.MultiMap;
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

  /**
   * A template of two workspaces, {@code xx} and {@code yy} (the lower id first), and a tenant the engine made from it
   * and copied them into; or another template of two, copied into that tenant by nothing yet.
   */
  private final class Rollout {

    final OrgServiceHarness.Account owner;
    final String engine = org.engineToken();
    final JsonObject template;
    final List<String> ids;
    final String target;

    Rollout() {
      this(null, "xx", "yy");
    }

    /** A template of workspaces {@code lower} and {@code higher}, for {@code into}'s tenant if it is one. */
    Rollout(Rollout into, String lower, String higher) {
      owner = into == null ? org.newVerifiedUser("owner") : into.owner;
      // the engine copies into an organization of the template's group only: another template of the tenant's group
      template = org.createOrg(owner.token(), "tpl-" + UUID.randomUUID().toString().substring(0, 8),
          into == null ? null : into.template.getString("groupId"));
      ids = Stream.of("p", "q").map(name -> create(template.getString("id"), name)).sorted().toList();
      rename(0, lower);
      rename(1, higher);
      if (into != null) {
        target = into.target;
        return;
      }
      // the engine creates only for an admin of the group, as whoever queued its job is
      assertEquals(204, org.send(HttpMethod.PUT, "/v1/organization-groups/" + template.getString("groupId")
          + "/admins/" + owner.id(), org.platformAdminToken(), null).statusCode());
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

    /** The engine's {@code :batch} of the run of this template, the copy of its {@code which}th workspace named so. */
    HttpResponse<Buffer> batch(int which, String name) {
      return org.send(HttpMethod.POST, "/v1/organizations/" + target + "/workspaces:batch", engine,
          new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", copyId(which))
              .put("name", name))),
          MultiMap.caseInsensitiveMultiMap().add(RolloutTemplate.HEADER, template.getString("id")));
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

    var batch = rollout.batch(0, "yy");
    assertEquals(200, batch.statusCode(), batch.bodyAsString());
    assertEquals("renaming-", rollout.copyName(1).substring(0, "renaming-".length()));
    assertEquals(List.of(new JsonObject().put("fields", new JsonArray().add("name"))), rollout.updates(1));
    assertEquals(1, rollout.updates(0).size(), "the item's own, as a replace's");
  }

  /**
   * A run copying another template into a tenant made from the first moves none of the first one's copies: they are
   * not the run's to name again. Until session 34 the copies movable were those of the template the tenant was
   * provisioned from, so the first template's copy, renamed there since, went to {@code renaming-…} for good.
   */
  @Test
  void aRunOfAnotherTemplateMovesNoCopyOfTheFirst() {
    var first = new Rollout();
    first.rename(1, "zz");
    var other = new Rollout(first, "aa", "yy");

    var refused = other.copy("");
    OrgServiceHarness.assertProblem(refused, 409, "name_taken");
    assertEquals("objects[" + other.ids.get(1) + "].name", refused.bodyAsJsonObject().getJsonArray("errors")
        .getJsonObject(0).getString("field"));
    assertEquals("yy", first.copyName(1), "not moved");
  }

  /**
   * The run's own copies are its to move, by {@code :copy} and by a {@code :batch} naming the run's template
   * ({@code Orgplane-Template-Id}), whatever the tenant was provisioned from (until session 34 such a chain was 409).
   */
  @Test
  void aRunOfAnotherTemplateMovesItsOwnCopies() {
    var first = new Rollout();
    var other = new Rollout(first, "aa", "bb");
    assertEquals(200, other.copy("").statusCode());
    other.rename(1, "cc");
    other.rename(0, "bb");

    var batch = other.batch(0, "bb");
    assertEquals(200, batch.statusCode(), batch.bodyAsString());
    assertEquals("renaming-", other.copyName(1).substring(0, "renaming-".length()));

    var page = other.copy("?limit=1&cursor=" + other.copy("?limit=1").bodyAsJsonObject().getString("nextCursor"));
    assertEquals(200, page.statusCode(), page.bodyAsString());
    assertEquals(List.of("bb", "cc"), List.of(other.copyName(0), other.copyName(1)));
    other.rename(1, "ee");
    other.rename(0, "cc");
    assertEquals(200, other.copy("?limit=1").statusCode(), "a page of :copy moves the later one too");
    assertEquals("renaming-", other.copyName(1).substring(0, "renaming-".length()));
  }
}
