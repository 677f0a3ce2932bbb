package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static dev.orgplane.org.OrgServiceHarness.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.WatchedTemplate;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether a job's owner holds a pending invitation is asked of org-service for that one address, in one call,
 * however many invitations the organization has pending; the requester's address only by a dry run naming an owner.
 * The engine is watched through a relay.
 */
class OwnerLookupTest {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "owner-lookup");

  private static JsonObject owned(String name, String email) {
    return new JsonObject().put("templateOrganization", watched.template().templateId())
        .put("target", new JsonObject().put("name", name).put("owner", new JsonObject().put("email", email)));
  }

  @Test
  void theOwnersInvitationIsAskedForByAddressInOneCallAmongManyPending() {
    var token = watched.token();
    var name = "looked-up-" + unique();
    var email = "ceo-" + unique() + "@customer.example";
    var engine = watched.engine();
    var first = engine.provision(token, owned(name, email));
    assertEquals("invited", first.getJsonObject("owner").getString("invitation"), first.encodePrettily());
    var tenant = first.getString("targetOrganization");
    // more than the 500 a page of the list holds
    PgFixture.execute(engine.db, "INSERT INTO org.invitations (id, org_id, email, roles, expires_at) "
        + "SELECT gen_random_uuid(), '" + tenant + "', 'invitee-' || n || '@customer.example', '{member}', "
        + "now() + interval '1 day' FROM generate_series(1, 600) n");
    watched.relay().clear();

    var again = engine.provision(token, owned(name, email.toUpperCase(Locale.ROOT)));

    assertEquals("already_invited", again.getJsonObject("owner").getString("invitation"), again.encodePrettily());
    var asked = watched.relay().seen().stream().filter(seen -> seen.method().equals("GET")
        && seen.path().equals("/v1/organizations/" + tenant + "/invitations")).toList();
    assertEquals(1, asked.size(), asked.toString());
    assertEquals("email=" + URLEncoder.encode(email.toUpperCase(Locale.ROOT), StandardCharsets.UTF_8) + "&limit=1",
        asked.get(0).query());
  }

  /**
   * A dry run naming no owner asks org-service nothing of its requester, and is queued and retried while org-service
   * cannot tell their address: until session 47 every dry run's request asked ({@code GET /v1/users/me}), and was
   * refused 503 then. One naming an owner asks, and is refused.
   */
  @Test
  void aDryRunNamingNoOwnerAsksNotForItsRequestersAddress() {
    var relay = watched.relay();
    var engine = watched.engine();
    relay.clear();
    relay.refuse("/v1/users/me", 503);
    try {
      var plan = new JsonObject().put("templateOrganization", watched.template().templateId()).put("dryRun", true);
      var job = engine.provision(watched.token(),
          plan.copy().put("target", new JsonObject().put("name", "unowned-" + unique())));
      var batch = engine.provisionBatch(watched.token(),
          plan.copy().put("targets", new JsonArray().add(new JsonObject().put("name", "unowned-" + unique()))));
      PgFixture.execute(engine.db, "UPDATE provisioning.jobs SET status = 'cancelled' WHERE id = '"
          + job.getString("id") + "' OR batch_id = '" + batch.getString("id") + "'");
      for (var retried : List.of("jobs/" + job.getString("id"), "batches/" + batch.getString("id"))) {
        var retry = engine.post("/v1/provisioning/" + retried + "/retry", watched.token(), null);
        assertEquals(200, retry.statusCode(), retry.bodyAsString());
      }
      assertEquals(0, relay.count("GET", "/v1/users/me"), relay.seen().toString());

      var owned = engine.post("/v1/provisioning/jobs", watched.token(),
          owned("owned-" + unique(), "ceo-" + unique() + "@customer.example").put("dryRun", true));
      assertProblem(owned, 503, "org_service_unavailable");
    } finally {
      relay.passAll();
    }
  }
}
