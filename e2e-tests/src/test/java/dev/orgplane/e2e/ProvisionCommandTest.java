package dev.orgplane.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code orgplane provision}, run as an operator runs it, against the whole platform through the gateway. */
class ProvisionCommandTest extends TwoEnginesTest {

  private record Run(int exit, String output) {
  }

  private Run provision(String... arguments) throws Exception {
    var all = new ArrayList<>(List.of("provision", "--url", platform.baseUrl(), "--token", template.adminToken()));
    all.addAll(List.of(arguments));
    var process = ServiceProcess.run("provision", "provision", all);
    int exit = process.waitForExit();
    return new Run(exit, process.output());
  }

  @Test
  void tenantsAreMadeWithAProgressBarAndTheExitCodeSaysHowItWent() throws Exception {
    var made = provision("--template", template.templateId(), "cli-one", "cli-two");
    assertEquals(0, made.exit(), made.output());
    assertTrue(made.output().contains("2/2 tenants"), made.output());
    assertTrue(made.output().lines().anyMatch(l -> l.matches(".*2/2 tenants, [1-9][0-9,]* objects copied.*")),
        "the progress counts the objects the batch copied: " + made.output());
    assertTrue(made.output().contains("batch succeeded: 2 of 2 tenants made"), made.output());
    var copy = gateway.get("/v1/organizations/cli-two", template.adminToken());
    assertEquals(200, copy.status(), copy.body());
    assertEquals(template.templateId(), copy.json().getJsonObject("provisionedFrom").getString("templateId"));

    var again = provision("--template", template.templateId(), "cli-one", "cli-three");
    assertEquals(0, again.exit(), "a tenant the template made is brought up to date: " + again.output());
    assertTrue(again.output().contains("batch succeeded: 2 of 2 tenants done (1 made, 1 existing brought up to date)"),
        again.output());

    assertEquals(201, gateway.send("POST", "/v1/organizations", template.adminToken(), new JsonObject()
        .put("name", "cli-taken").put("title", "Not from the template")).status());
    var partly = provision("--template", template.templateId(), "cli-taken", "cli-four");
    assertEquals(1, partly.exit(), partly.output());
    assertTrue(partly.output().contains("batch failed: 1 of 2 tenants made"), partly.output());
    assertTrue(partly.output().lines().anyMatch(l -> l.contains("cli-taken: failed (organization_name_taken")),
        partly.output());

    var batchId = partly.output().lines().findFirst().orElseThrow().split(" ")[1].replace(":", "");
    var followed = provision("--follow", batchId);
    assertEquals(1, followed.exit(), followed.output());
    assertTrue(followed.output().contains("batch failed: 1 of 2 tenants made"), "a batch is found again: "
        + followed.output());

    var rollout = provision("--template", template.templateId(), "--all-provisioned");
    assertEquals(0, rollout.exit(), rollout.output());
    // cli-one to cli-four, and those of another test's cancelled batch the template made before it was cancelled
    var summary = rollout.output().lines()
        .map(Pattern.compile("batch succeeded: (\\d+) of (\\d+) tenants brought up to date, 0 failed; .*")::matcher)
        .filter(Matcher::matches).findFirst().orElseThrow(() -> new AssertionError("a rollout makes no tenant: "
            + rollout.output()));
    assertEquals(summary.group(2), summary.group(1), rollout.output());
    assertTrue(Integer.parseInt(summary.group(1)) >= 4, rollout.output());
  }

  @Test
  void aBatchIsCancelledFromTheCommandLine() throws Exception {
    // one job at a time: most of the batch is still queued when the command cancels it
    var batch = template.provision(gateway, "cli-cancel", 60, 1);

    var cancelled = provision("--cancel", batch.getString("id"));

    assertEquals(1, cancelled.exit(), cancelled.output());
    assertTrue(cancelled.output().lines().findFirst().orElseThrow().startsWith("batch " + batch.getString("id")
        + " cancelled: "), cancelled.output());
    assertTrue(cancelled.output().contains("batch cancelled: "), cancelled.output());
    var ended = gateway.get("/v1/provisioning/batches/" + batch.getString("id"), template.adminToken()).json();
    assertEquals("cancelled", ended.getString("status"), ended.encodePrettily());
    assertTrue(ended.getJsonObject("counts").getLong("cancelled") > 0, ended.encodePrettily());
    // it has ended: a cancel again reports its end as a follow does (it was a refused cancel, exit 2)
    var again = provision("--cancel", batch.getString("id"));
    assertEquals(1, again.exit(), again.output());
    assertTrue(again.output().startsWith("batch " + batch.getString("id") + " had ended already: nothing to cancel\n"),
        again.output());
    assertTrue(again.output().contains("batch cancelled: "), again.output());
  }

  @Test
  void whatCannotStartIsOneLineAndExitCodeTwo() throws Exception {
    var unknown = provision("--template", "no-such-template", "cli-x");
    assertEquals(2, unknown.exit(), unknown.output());
    assertEquals(List.of("orgplane: GET /v1/organizations/no-such-template was refused (HTTP 404): "
        + "organization_not_found - No such organization."), unknown.output().lines().toList());
    var lost = provision("--follow", java.util.UUID.randomUUID().toString());
    assertEquals(2, lost.exit(), lost.output());
    assertTrue(lost.output().startsWith("orgplane: GET /v1/provisioning/batches/"), lost.output());
    assertTrue(!lost.output().contains("goes on"), lost.output());
    var nobody = provision("--template", template.templateId());
    assertEquals(64, nobody.exit(), "a usage error, found before anything is asked: " + nobody.output());
    assertTrue(nobody.output().startsWith("orgplane: name at least one new tenant"), nobody.output());
    assertEquals(404, gateway.get("/v1/organizations/cli-x", template.adminToken()).status(), "nothing was made");
  }
}
