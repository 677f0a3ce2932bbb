package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member named owner whose roles someone else changes between the engine's read and its change keeps that change:
 * org-service refuses the engine's change made from the older read (412), and the engine reads the member again and
 * adds owner to the roles they hold now; one who left meanwhile is invited.
 */
class OwnerMadeMeanwhileTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "owner-meanwhile");

  @BeforeEach
  void forget() {
    watched.relay().clear();
  }

  @Test
  void aRoleChangeMadeMeanwhileIsKeptAndOwnerAddedToIt() throws InterruptedException {
    var member = watched.template().member();
    var asked = new CountDownLatch(1);
    var changed = Promise.<Void>promise();
    watched.relay().holdOnce(seen -> isRoleChange(seen.method(), seen.path()), () -> {
      asked.countDown();
      return changed.future();
    });
    var queued = watched.engine().post("/v1/provisioning/jobs", watched.token(), new JsonObject()
        .put("templateOrganization", watched.template().templateId())
        .put("target", new JsonObject().put("name", "owner-meanwhile-" + unique())
            .put("owner", new JsonObject().put("email", member.email()))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var path = "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
    assertTrue(asked.await(60, TimeUnit.SECONDS), "the member was never made owner");

    var tenant = watched.engine().get(path, watched.token()).bodyAsJsonObject().getString("targetOrganization");
    var meanwhile = watched.engine().org.send(HttpMethod.PUT, "/v1/organizations/" + tenant + "/users/"
        + member.id() + "/roles", watched.engine().org.platformAdminToken(),
        new JsonObject().put("roles", new JsonArray().add("auditor").add("editor")));
    assertEquals(200, meanwhile.statusCode(), meanwhile.bodyAsString());
    changed.complete();

    var ended = watched.engine().awaitEnd(path, watched.token());
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals("made_owner", ended.getJsonObject("owner").getString("invitation"), ended.encodePrettily());
    var roles = watched.engine().org.get("/v1/organizations/" + tenant + "/users/" + member.id(),
        watched.token()).bodyAsJsonObject().getJsonArray("roles").stream().map(String.class::cast).sorted().toList();
    assertEquals(List.of("auditor", "editor", "owner"), roles, "the change made meanwhile is kept");
    assertEquals(2, watched.relay().seen().stream().filter(seen -> isRoleChange(seen.method(), seen.path())).count(),
        "refused once, then made from the member as they are");
  }

  /**
   * A member named owner who leaves between the engine's read and its change is invited, as anyone who is no member:
   * the run settles the owner again from the start. Until session 45 the change's refusal (404
   * {@code member_not_found}) failed the job at its end.
   */
  @Test
  void aMemberWhoLeavesBeforeTheyAreMadeOwnerIsInvited() throws InterruptedException {
    var member = watched.template().member();
    var asked = new CountDownLatch(1);
    var left = Promise.<Void>promise();
    watched.relay().holdOnce(seen -> isRoleChange(seen.method(), seen.path()), () -> {
      asked.countDown();
      return left.future();
    });
    var queued = watched.engine().post("/v1/provisioning/jobs", watched.token(), new JsonObject()
        .put("templateOrganization", watched.template().templateId())
        .put("target", new JsonObject().put("name", "owner-left-" + unique())
            .put("owner", new JsonObject().put("email", member.email()))));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    var path = "/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id");
    assertTrue(asked.await(60, TimeUnit.SECONDS), "the member was never made owner");

    var tenant = watched.engine().get(path, watched.token()).bodyAsJsonObject().getString("targetOrganization");
    var removed = watched.engine().org.send(HttpMethod.DELETE, "/v1/organizations/" + tenant + "/users/"
        + member.id(), watched.engine().org.platformAdminToken(), null);
    assertEquals(204, removed.statusCode(), removed.bodyAsString());
    left.complete();

    var ended = watched.engine().awaitEnd(path, watched.token());
    assertEquals("succeeded", ended.getString("status"), ended.encodePrettily());
    assertEquals("invited", ended.getJsonObject("owner").getString("invitation"), ended.encodePrettily());
    var pending = watched.engine().items("/v1/organizations/" + tenant + "/invitations", watched.token());
    assertEquals(1, pending.size(), pending.encode());
    assertEquals(member.email(), pending.getJsonObject(0).getString("email"));
    assertEquals(new JsonArray().add("owner"), pending.getJsonObject(0).getJsonArray("roles"));
  }

  private static boolean isRoleChange(String method, String path) {
    return method.equals("PUT") && path.matches(".*/users/[^/]+/roles");
  }
}
