package dev.orgplane.org.organization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** An organization's JSON is its view's components, each as Jackson's mapping of the view wrote it, in its order. */
class OrganizationViewTest {

  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 12, 5, 22, 30, 18, 30_925_000,
      ZoneOffset.ofHours(2));

  private static Organization disabledAndProvisioned() {
    return new Organization(UUID.randomUUID(), "acme", "Acme", "Makes things", "https://a.example.com/a.png",
        "ops@acme.example", "https://acme.example", new JsonObject().put("tier", "gold").put("seats", 12)
            .put("tags", new JsonArray().add("a").add(new JsonObject().put("deep", true))), UUID.randomUUID(),
        "disabled", "platform", CREATED.plusDays(1), "unpaid", 7,
        new JsonObject().put("templateId", UUID.randomUUID().toString()).put("jobId", UUID.randomUUID().toString()),
        CREATED, CREATED.plusHours(3));
  }

  private static Organization bare() {
    return new Organization(UUID.randomUUID(), "bare", "bare", null, null, null, null, new JsonObject(),
        UUID.randomUUID(), "enabled", null, null, null, 1, null, CREATED, CREATED);
  }

  @Test
  void everyFieldIsWrittenAsJacksonsMappingOfTheViewWroteItInTheSameOrder() {
    for (var organization : new Organization[] {disabledAndProvisioned(), bare()}) {
      assertEquals(JsonObject.mapFrom(OrganizationViews.MAPPER.view(organization)).encode(),
          organization.toJson().encode());
    }
  }

  @Test
  void changingTheAnswerLeavesTheOrganizationAsItWas() {
    var organization = disabledAndProvisioned();
    var json = organization.toJson();
    json.getJsonObject("metadata").put("tier", "tin");
    json.getJsonObject("provisionedFrom").remove("jobId");
    assertEquals("gold", organization.metadata().getString("tier"));
    assertEquals(2, organization.provisionedFrom().size());
  }
}
