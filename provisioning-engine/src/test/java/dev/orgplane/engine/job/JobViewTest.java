package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A job's JSON is its view's components, each as Jackson's mapping of the view wrote it, in its order. */
class JobViewTest {

  private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 12, 5, 22, 30, 18, 30_925_000,
      ZoneOffset.ofHours(-5));

  private static Job everyFieldSet() {
    return new Job(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
        UUID.randomUUID(), UUID.randomUUID(), new JsonObject().put("name", "acme-\"eu\" ü").put("tags", List.of("a")),
        "ada@acme.example", OwnerInvitation.INVITED, true, List.of("workspaces", "schemas"),
        new JsonObject().put("keepExisting", true).putNull("limit"), true, "failed", true,
        new JsonObject().put("code", "plugin_failed").put("errors", List.of(new JsonObject().put("field", "x"))), 3,
        CREATED, CREATED.plusSeconds(1), CREATED.plusSeconds(2), CREATED.plusSeconds(3), CREATED.plusSeconds(4),
        List.of(new Job.Step(0, "workspaces", "succeeded", "c1", 4, 3, 2, 1),
            new Job.Step(1, "schemas", "failed", null, 0, 0, 0, 7)));
  }

  private static Job nullsWherePossible() {
    return new Job(UUID.randomUUID(), null, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), null, null, null,
        null, null, false, List.of(), null, false, "queued", false, null, 0, CREATED, null, null, null, null,
        List.of());
  }

  private static Job ownerNotYetInvited() {
    var job = everyFieldSet();
    return new Job(job.id(), job.batchId(), job.requestedBy(), job.queuedBy(), job.templateOrg(), job.groupId(),
        job.targetOrg(), job.target(), job.ownerEmail(), null, false, job.plugins(), job.options(), false, "running",
        false,
        null, 1, null, CREATED, null, CREATED, null, job.steps());
  }

  @Test
  void everyFieldIsWrittenAsJacksonsMappingOfTheViewWroteItInTheSameOrder() {
    for (var job : new Job[] {everyFieldSet(), nullsWherePossible(), ownerNotYetInvited()}) {
      assertEquals(JsonObject.mapFrom(JobViews.MAPPER.view(job)).encode(), job.toJson().encode());
    }
  }

  @Test
  void theJsonAChangeIsMadeToIsNotTheJobs() {
    var job = everyFieldSet();
    var json = job.toJson();
    json.getJsonObject("target").put("name", "changed");
    json.getJsonObject("options").clear();
    json.getJsonObject("error").clear();
    json.getJsonArray("plugins").clear();

    assertEquals(JsonObject.mapFrom(JobViews.MAPPER.view(job)).encode(), job.toJson().encode());
  }
}
