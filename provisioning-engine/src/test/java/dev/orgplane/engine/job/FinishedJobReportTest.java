package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.engine.orgapi.StandInOrgService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a job's end report sends, against a stand-in for org-service that keeps every report it is sent: the report
 * names itself, the same way at every delivery, so org-service records it once however often it arrives.
 */
class FinishedJobReportTest {

  /** A report as the stand-in received it: the organization, its Idempotency-Key and its body. */
  private record Received(String organization, String idempotencyKey, JsonObject body) {
  }

  private static final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private static Vertx vertx;
  private static OrgApiClient api;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    api = StandInOrgService.clientOf(vertx, request -> request.body().onSuccess(body -> {
      received.add(new Received(request.path().split("/")[3], request.getHeader("Idempotency-Key"),
          body.toJsonObject()));
      request.response().setStatusCode(202).putHeader("Content-Type", "application/json").end("{}");
    }));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void forget() {
    received.clear();
  }

  private static FinishedJobReport report(long outboxId, UUID jobId, UUID templateOrg, UUID targetOrg) {
    return new FinishedJobReport(outboxId, jobId, null, templateOrg, targetOrg, "succeeded", null);
  }

  private static Set<String> reportIds() {
    return received.stream().map(r -> r.body().getString("reportId")).collect(Collectors.toSet());
  }

  @Test
  void everyDeliveryOfAReportCarriesItsIdToBothOrganizations() {
    var template = UUID.randomUUID();
    var target = UUID.randomUUID();
    var report = report(7, UUID.randomUUID(), template, target);

    report.send(api).await();
    report.send(api).await();

    assertEquals(4, received.size(), "two deliveries, to the template's organization and the target's");
    assertEquals(Set.of(report.reportId().toString()), reportIds(), "one id, whichever delivery or organization");
    var keys = received.stream().collect(Collectors.groupingBy(Received::organization,
        Collectors.mapping(Received::idempotencyKey, Collectors.toSet())));
    assertEquals(Set.of(template.toString(), target.toString()), keys.keySet());
    keys.values().forEach(perOrganization -> assertEquals(1, perOrganization.size(), keys.toString()));
  }

  @Test
  void anotherEndOfTheJobOrAnotherJobsRowIsAnotherReport() {
    var jobId = UUID.randomUUID();
    var template = UUID.randomUUID();
    var first = report(7, jobId, template, null);

    // a retried job's second end is another outbox row; another engine database's row 7 is another job's
    var ids = Stream.of(first, report(8, jobId, template, null), report(7, UUID.randomUUID(), template, null))
        .map(FinishedJobReport::reportId).collect(Collectors.toSet());

    assertEquals(3, ids.size());
  }
}
