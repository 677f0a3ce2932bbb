package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.kit.testing.PgFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whether a job's owner holds a pending invitation is asked of org-service for that one address, in one call,
 * however many invitations the organization has pending: the engine is watched through a relay.
 */
class OwnerLookupTest {

  private static Vertx vertx;
  private static EngineHarness.Watched watched;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    watched = EngineHarness.watched(vertx, new JsonObject());
    template = TemplateFixture.build(watched.engine().org, "owner-lookup-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static JsonObject owned(String name, String email) {
    return new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", name).put("owner", new JsonObject().put("email", email)));
  }

  @Test
  void theOwnersInvitationIsAskedForByAddressInOneCallAmongManyPending() {
    var token = template.groupAdmin().token();
    var name = "looked-up-" + UUID.randomUUID().toString().substring(0, 8);
    var email = "ceo-" + UUID.randomUUID().toString().substring(0, 8) + "@customer.example";
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
