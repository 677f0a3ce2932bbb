package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An owner's invitation, or a member's change to owner, whose answer was lost is sent once, and counted as the job's
 * own: the retry finds the invitation the job made, or the owner it made. It counted an invitation
 * {@code already_invited}, as if another job had, so a batch that invited every owner counted some as invited before.
 */
class LostInvitationAnswerTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(
      new JsonObject().put("ORGPLANE_ENGINE_ORG_TIMEOUT_SECONDS", "1"), "lost-invitation");

  @Test
  void anInvitationWhoseAnswerWasLostCountsAsInvited() {
    var template = watched.template();
    var email = "ceo-" + unique() + "@customer.example";
    watched.relay().loseAnswerOnce(seen -> seen.method().equals("POST") && seen.path().endsWith("/invitations"));

    var batch = watched.engine().provisionBatch(watched.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "lost-invitation-" + unique())
            .put("owner", new JsonObject().put("email", email)))));

    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    assertEquals(new JsonObject().put("invited", 1).put("already_invited", 0).put("already_member", 0)
        .put("made_owner", 0).put("planned", 0), batch.getJsonObject("owners"));
    assertEquals(1, watched.relay().seen().stream()
        .filter(seen -> seen.method().equals("POST") && seen.path().endsWith("/invitations")).count(),
        "invited once: the retry found the invitation");
  }

  /** A member made owner whose answer was lost is counted made owner, not a member found owner already. */
  @Test
  void aMemberMadeOwnerWhoseAnswerWasLostCountsAsMadeOwner() {
    var template = watched.template();
    watched.relay().loseAnswerOnce(seen -> seen.method().equals("PUT") && seen.path().endsWith("/roles")
        && seen.path().contains("/users/"));

    var batch = watched.engine().provisionBatch(watched.token(), new JsonObject()
        .put("templateOrganization", template.templateId())
        .put("targets", new JsonArray().add(new JsonObject().put("name", "lost-owner-change-" + unique())
            .put("owner", new JsonObject().put("email", template.member().email())))));

    assertEquals("succeeded", batch.getString("status"), batch.encodePrettily());
    assertEquals(1L, batch.getJsonObject("owners").getLong("made_owner"), batch.encodePrettily());
    assertEquals(1, watched.relay().seen().stream().filter(seen -> seen.method().equals("PUT")
        && seen.path().endsWith("/roles") && seen.path().contains("/users/")).count(),
        "changed once: the retry found them owner");
  }
}
