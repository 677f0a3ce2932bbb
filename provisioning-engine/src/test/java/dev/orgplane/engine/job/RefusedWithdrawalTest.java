package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A member named owner who holds a pending owner invitation is made owner though org-service refuses the withdrawal of
 * the invitation, moot: the job succeeds {@code made_owner}, the invitation left pending, and a later run, finding
 * them owner, withdraws it. Until session 47 the refusal failed the job {@code owner_not_invited} though the owner
 * was made, and the retry, {@code already_member}, left the invitation.
 */
class RefusedWithdrawalTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "refused-withdrawal");

  @Test
  void aRefusedWithdrawalOfTheMootInvitationFailsNoJobAndALaterRunWithdrawsIt() {
    var engine = watched.engine();
    var member = engine.org.newUser("refused-withdrawal");
    var job = new JsonObject().put("templateOrganization", watched.template().templateId())
        .put("target", new JsonObject().put("name", "refused-withdrawal-" + unique())
            .put("owner", new JsonObject().put("email", member.email())));
    var first = engine.provision(watched.token(), job);
    assertEquals("invited", first.getJsonObject("owner").getString("invitation"), first.encodePrettily());
    var tenant = first.getString("targetOrganization");
    engine.org.addMembers(tenant, List.of(member.id()), "member");
    var invitations = "/v1/organizations/" + tenant + "/invitations";
    var invitation = engine.items(invitations, watched.token()).getJsonObject(0).getString("id");

    watched.relay().refuse(invitations + "/" + invitation, 403);
    JsonObject refused;
    try {
      refused = engine.provision(watched.token(), job);
    } finally {
      watched.relay().passAll();
    }
    assertEquals("succeeded", refused.getString("status"), refused.encodePrettily());
    assertEquals("made_owner", refused.getJsonObject("owner").getString("invitation"), refused.encodePrettily());
    assertEquals(1, watched.relay().count("DELETE", invitations + "/" + invitation), "asked once, refused");
    assertEquals(1, engine.items(invitations, watched.token()).size(), "left pending");

    var later = engine.provision(watched.token(), job);
    assertEquals("already_member", later.getJsonObject("owner").getString("invitation"), later.encodePrettily());
    assertEquals(0, engine.items(invitations, watched.token()).size(), "withdrawn by the later run");
  }
}
