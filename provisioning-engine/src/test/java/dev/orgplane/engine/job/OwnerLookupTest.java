package dev.orgplane.engine.job;

import static dev.orgplane.engine.WatchedTemplate.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.WatchedTemplate;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whether a job's owner holds a pending invitation is asked of org-service for that one address, in one call,
 * however many invitations the organization has pending: the engine is watched through a relay.
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
}
