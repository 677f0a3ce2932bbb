package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a job's end report sends: an item of org-service's batch for each organization it goes to, naming the report
 * the same way at every delivery, so org-service records it once however often it arrives.
 */
class FinishedJobReportTest {

  private static FinishedJobReport report(long outboxId, UUID jobId, UUID templateOrg, UUID targetOrg) {
    return new FinishedJobReport(outboxId, jobId, null, templateOrg, targetOrg, "succeeded", null);
  }

  @Test
  void everyDeliveryOfAReportCarriesItsIdToBothOrganizations() {
    var template = UUID.randomUUID();
    var target = UUID.randomUUID();
    var report = report(7, UUID.randomUUID(), template, target);

    var items = report.items();

    assertEquals(items, report.items(), "the same at every delivery");
    var sent = items.stream().map(JsonObject.class::cast).toList();
    assertEquals(List.of(template.toString(), target.toString()),
        sent.stream().map(item -> item.getString("organization")).toList());
    assertEquals(Set.of(report.reportId().toString()), sent.stream().map(item -> item.getString("reportId"))
        .collect(Collectors.toSet()), "one id, whichever organization");
    sent.forEach(item -> assertEquals("succeeded", item.getJsonObject("details").getString("status")));
  }

  @Test
  void aReportWithoutATargetOrWithinTheTemplateGoesToTheTemplateAlone() {
    var template = UUID.randomUUID();

    assertEquals(1, report(7, UUID.randomUUID(), template, null).items().size());
    assertEquals(1, report(7, UUID.randomUUID(), template, template).items().size());
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
