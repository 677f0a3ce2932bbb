package dev.orgplane.launcher;

import static dev.orgplane.launcher.StandInGateway.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code orgplane provision --follow} against a stand-in gateway that serves a batch from a script of answers,
 * with what the command prints captured.
 */
class ProvisionCommandTest {

  private StandInGateway gateway;
  @RegisterExtension
  final CapturedOutput output = new CapturedOutput();

  @AfterEach
  void stopGateway() {
    gateway.close();
  }

  private static String batch(String status, long succeeded, long running) {
    return new JsonObject().put("id", "b1").put("status", status).put("total", 2).put("selection", "explicit")
        .put("templateOrganization", "t1").put("groupId", "g1")
        .put("counts", new JsonObject().put("succeeded", succeeded).put("running", running))
        .put("objects", new JsonObject().put("created", 7).put("updated", 0).put("unchanged", 1)).encode();
  }

  /**
   * A gateway whose batch {@code b1} (a dry run if {@code dryRun}) is running, then answers each of
   * {@code middle} once, then has succeeded.
   */
  private int follow(boolean dryRun, int... middle) {
    var reads = new AtomicInteger();
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> {
          int read = reads.getAndIncrement();
          if (read == 0) {
            answer(exchange, 200, new JsonObject(batch("running", 1, 1)).put("dryRun", dryRun).encode());
          } else if (read <= middle.length) {
            answer(exchange, middle[read - 1], "{\"code\":\"unavailable\",\"detail\":\"Restarting.\"}");
          } else {
            // a plan's owners are to be invited or made owner; no other batch of these tests names any
            answer(exchange, 200, new JsonObject(batch("succeeded", 2, 0)).put("dryRun", dryRun)
                .put("owners", new JsonObject().put("invited", 0).put("already_invited", 0).put("already_member", 0)
                    .put("made_owner", dryRun ? 1 : 0).put("planned", dryRun ? 2 : 0)).encode());
          }
        });
    return new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");
  }

  /**
   * A gateway where template {@code tpl} is {@code t1} and batch {@code b1}, which it answers {@code ended} to, starts
   * from any request, kept in {@code sent}.
   */
  private void startingGateway(AtomicReference<JsonObject> sent, String ended) {
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, ended))
        .on("/v1/provisioning/batches", exchange -> {
          sent.set(new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          answer(exchange, 202, ended);
        });
  }

  @Test
  void aGatewayBusyWhileFollowingIsWaitedOut() {
    int exit = follow(false, 503, 502);

    assertEquals(0, exit, output.err());
    var warnings = output.err();
    assertTrue(warnings.contains("HTTP 503") && warnings.contains("HTTP 502")
        && warnings.contains("trying again"), warnings);
    assertTrue(output.out().contains("batch succeeded: 2 of 2 tenants made"),
        output.out());
  }

  @Test
  void theEndCountsObjectsCreatedUpdatedAndUnchangedSoARerunShowsItWroteNothingTwice() {
    int exit = follow(false);

    assertEquals(0, exit, output.err());
    var printed = output.out();
    assertTrue(printed.contains("batch succeeded: 2 of 2 tenants made, 0 failed; objects: 7 created, 0 updated, "
        + "1 unchanged\n"), printed);
  }

  /** Picocli read an argument starting with @ as a file to take arguments from: a token or password "@x" was x's text. */
  @Test
  void anArgumentStartingWithAnAtSignIsTakenAsWritten(@TempDir Path dir) throws Exception {
    var file = Files.writeString(dir.resolve("token"), "read-from-a-file");
    var bearer = new AtomicReference<String>();
    gateway = new StandInGateway().on("/v1/provisioning/batches/b1", exchange -> {
      bearer.set(exchange.getRequestHeaders().getFirst("Authorization"));
      answer(exchange, 200, new JsonObject(batch("succeeded", 2, 0)).put("dryRun", false).encode());
    });

    Orgplane.commandLine().execute("provision", "--url", gateway.url(), "--token", "@" + file, "--follow", "b1");

    assertEquals("Bearer @" + file, bearer.get(), output.err());
  }

  @Test
  void aDryRunIsReportedAsAPlan() {
    int exit = follow(true);

    assertEquals(0, exit, output.err());
    var printed = output.out();
    assertTrue(printed.contains("1/2 tenants, 8 objects planned, 1 running"), printed);
    assertTrue(printed.contains("batch succeeded (dry run): 2 of 2 tenants planned, nothing written; objects: "
        + "7 to create, 0 to update, 1 unchanged; owners: 2 to invite, 1 to make owner"), printed);
    assertFalse(printed.contains("made") || printed.contains("copied"), printed);
  }

  /** Whether a followed batch was a plan was its first job's word: a dry run without jobs was reported as made. */
  @Test
  void aFollowedDryRunWithoutJobsIsReportedAsAPlan() {
    var planned = new JsonObject(batch("succeeded", 0, 0)).put("total", 0).put("dryRun", true).encode();
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, planned));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");

    assertEquals(0, exit, output.err());
    assertTrue(output.out().contains("batch succeeded (dry run): 0 of 0 tenants planned, nothing written"),
        output.out());
  }

  @Test
  void aTenantMayNameItsOwnerAndTheEndSaysWhatInvitingThemCameTo(@TempDir Path dir) throws Exception {
    var targetsFile = Files.writeString(dir.resolve("tenants.txt"), "# name[,owner]\nalpha, ceo@alpha.example\nbeta\n");
    var sent = new AtomicReference<JsonObject>();
    var ended = new JsonObject(batch("succeeded", 2, 0)).put("owners", new JsonObject().put("invited", 1)
        .put("already_invited", 1).put("already_member", 0).put("made_owner", 1).put("planned", 0));
    startingGateway(sent, ended.encode());

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--targets-file", targetsFile.toString(), "gamma,cfo@gamma.example");

    assertEquals(0, exit, output.err());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("name", "gamma").put("title", "gamma")
            .put("owner", new JsonObject().put("email", "cfo@gamma.example")))
        .add(new JsonObject().put("name", "alpha").put("title", "alpha")
            .put("owner", new JsonObject().put("email", "ceo@alpha.example")))
        .add(new JsonObject().put("name", "beta").put("title", "beta")), sent.get().getJsonArray("targets"));
    var printed = output.out();
    assertTrue(printed.contains("batch succeeded: 2 of 2 tenants made, 0 failed; objects: 7 created, 0 updated, "
        + "1 unchanged; owners: 1 invited, 1 already invited, 0 already members, 1 made owner"), printed);
  }

  @Test
  void aTargetsFileStartingWithAByteOrderMarkNamesItsFirstTenantAsWritten(@TempDir Path dir) throws Exception {
    var targetsFile = Files.writeString(dir.resolve("tenants.txt"), "\uFEFFalpha\r\nbeta\r\n");
    var sent = new AtomicReference<JsonObject>();
    startingGateway(sent, batch("succeeded", 2, 0));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--targets-file", targetsFile.toString());

    assertEquals(0, exit, output.err());
    assertEquals(new JsonArray().add(new JsonObject().put("name", "alpha").put("title", "alpha"))
        .add(new JsonObject().put("name", "beta").put("title", "beta")), sent.get().getJsonArray("targets"));
  }

  @Test
  void aBatchStartTheGatewayCouldNotTakeIsSentAgainUnderTheSameIdempotencyKey() {
    var keys = new CopyOnWriteArrayList<String>();
    var ended = batch("succeeded", 1, 0);
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, ended))
        .on("/v1/provisioning/batches", exchange -> {
          keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
          if (keys.size() == 1) {
            answer(exchange, 503, "{\"code\":\"unavailable\",\"detail\":\"Restarting.\"}");
          } else {
            answer(exchange, 202, ended);
          }
        });

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "alpha");

    assertEquals(0, exit, output.err());
    assertEquals(2, keys.size(), keys.toString());
    assertEquals(36, keys.get(0).length(), "a random key: " + keys);
    assertEquals(keys.get(0), keys.get(1), "the same key, so the platform starts it once at most");
    assertTrue(output.err().contains("trying again in"), output.err());
  }

  /**
   * A start whose answers never came gave up saying only that the platform did not answer: its POST may have started
   * the batch, and a re-run under a new key started a second one.
   */
  @Test
  void aStartThatGaveUpSaysTheBatchMayHaveStartedAndARerunWithItsKeyStartsItOnceAtMost() {
    var keys = new CopyOnWriteArrayList<String>();
    var answered = new AtomicBoolean();
    var ended = batch("succeeded", 1, 0);
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, ended))
        .on("/v1/provisioning/batches", exchange -> {
          keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
          if (answered.get()) {
            answer(exchange, 202, ended);
          } else {
            answer(exchange, 504, "{\"code\":\"upstream_timeout\",\"detail\":\"No answer.\"}");
          }
        });

    int exit = new CommandLine(new ProvisionCommand(Duration.ofSeconds(1))).execute("--url", gateway.url(),
        "--token", "t", "--template", "tpl", "alpha");

    assertEquals(2, exit, output.err());
    var key = keys.get(0);
    assertTrue(output.err().contains("(still, after 1 s of retries)\nthe batch may have started all the same: before "
        + "starting it again, look for it with GET " + gateway.url() + "/v1/provisioning/batches?template=t1"
        + "&order=newest (then --follow or --cancel its id), or run the same command again with --idempotency-key "
        + key + " within a day"), output.err());

    answered.set(true);
    keys.clear();
    exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "alpha", "--idempotency-key", key);

    assertEquals(0, exit, output.err());
    assertEquals(List.of(key), keys, "the same key: a batch the first run started is answered, not started again");
  }

  /**
   * A batch that ended between a look at it and {@code --cancel} was a refused cancel (exit 2): it has an end to report
   * all the same.
   */
  @Test
  void aCancelThatComesAfterTheBatchEndedFollowsItToItsEnd() {
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/cancel", exchange -> answer(exchange, 409,
            "{\"code\":\"batch_finished\",\"detail\":\"Every job of the batch has ended.\"}"))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, batch("succeeded", 2, 0)));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--cancel", "b1");

    assertEquals(0, exit, output.err());
    var printed = output.out();
    assertTrue(printed.contains("batch b1 had ended already: nothing to cancel\n"), printed);
    assertTrue(printed.contains("batch succeeded: 2 of 2 tenants made, 0 failed"), printed);
  }

  /**
   * A job cancelled once it had made its organization leaves it partly copied, which the end says, as it says how
   * many were cancelled; one cancelled before it made one leaves nothing, and a dry run writes nothing anywhere.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCancelledTenantWhoseOrganizationExistsIsSaidToBePartlyCopied(boolean dryRun) {
    // answered to the cancel while one job runs on, and once that one has stopped too
    var cancelled = new JsonObject(batch("running", 1, 1)).put("total", 3).put("dryRun", dryRun);
    cancelled.getJsonObject("counts").put("cancelled", 1);
    var ended = cancelled.copy().put("status", "cancelled")
        .put("counts", new JsonObject().put("succeeded", 1).put("cancelled", 2).put("running", 0)).encode();
    var partlyCopied = new JsonObject().put("id", "j1").put("status", "cancelled").put("targetOrganization", "o1")
        .put("target", new JsonObject().put("name", "acme")).put("attempts", 1);
    var notMade = new JsonObject().put("id", "j2").put("status", "cancelled").putNull("targetOrganization")
        .put("target", new JsonObject().put("name", "beta"));
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/cancel", exchange -> answer(exchange, 200, cancelled.encode()))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200,
            exchange.getRequestURI().getQuery().contains("status=cancelled")
                ? new JsonObject().put("items", new JsonArray().add(partlyCopied).add(notMade)).encode()
                : "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, ended));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--cancel", "b1");

    assertEquals(1, exit, "some tenants were not made: " + output.err());
    var printed = output.out();
    assertTrue(printed.contains("batch b1 cancelled: 1 jobs will not run, 1 running stop after their current page"
        + (dryRun ? "\n" : ", leaving their tenants partly copied\n")), printed);
    assertTrue(printed.contains(dryRun ? "batch cancelled (dry run): 1 of 3 tenants planned, nothing written; "
        : "batch cancelled: 1 of 3 tenants made, 0 failed, 2 cancelled; objects: "), printed);
    assertTrue(printed.contains("\n  acme: cancelled\n" + (dryRun ? "" : "    organization o1 exists, partly copied "
        + "(retry the batch to complete it, or delete the organization to start clean)\n") + "  beta: cancelled\n"),
        printed);
    assertTrue(printed.endsWith("  beta: cancelled\n"), printed);
  }

  /** A cancel the platform could not take (restarting) ended the command at once (exit 2), the batch running on. */
  @Test
  void aCancelTheGatewayCouldNotTakeIsSentAgainUnderTheSameIdempotencyKey() {
    var keys = new CopyOnWriteArrayList<String>();
    var cancelled = new JsonObject(batch("cancelled", 1, 0)).put("counts", new JsonObject().put("succeeded", 1)
        .put("cancelled", 1).put("running", 0)).encode();
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/cancel", exchange -> {
          keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
          if (keys.size() == 1) {
            answer(exchange, 503, "{\"code\":\"unavailable\",\"detail\":\"Restarting.\"}");
          } else {
            answer(exchange, 200, cancelled);
          }
        })
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, cancelled));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--cancel", "b1");

    assertEquals(1, exit, output.err());
    assertEquals(2, keys.size(), keys.toString());
    assertEquals(36, keys.get(0).length(), "a random key: " + keys);
    assertEquals(keys.get(0), keys.get(1), "the same key, so the platform cancels once at most");
    assertTrue(output.err().contains("trying again in"), output.err());
    assertTrue(output.out().contains("batch b1 cancelled: 1 jobs will not run, 0 running stop after their current "
        + "page\n"), output.out());
  }

  /**
   * A targets file it cannot read (missing, not UTF-8, or far too large to be one) means the batch cannot start (2),
   * as a refused batch does, not a crash (1), and says why.
   */
  @ParameterizedTest
  @CsvSource({"missing, no such file or directory", "latin1, it is not UTF-8 text",
      "huge, it is larger than 1048576 bytes"})
  void anUnreadableTargetsFileIsABatchThatCouldNotStart(String kind, String why, @TempDir Path dir) throws Exception {
    var file = dir.resolve(kind + "-tenants.txt");
    if (kind.equals("latin1")) {
      Files.write(file, "caf\u00e9-tenant\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    } else if (kind.equals("huge")) {
      Files.writeString(file, "alpha\n".repeat(200_000));
    }
    gateway = new StandInGateway();

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--targets-file", file.toString());

    assertEquals(2, exit);
    var printed = output.err();
    assertTrue(printed.contains("orgplane: cannot read " + file + ": " + why), printed);
  }

  @Test
  void theCopysOptionsGoWithTheBatch() {
    var sent = new AtomicReference<JsonObject>();
    var ended = batch("succeeded", 1, 0);
    startingGateway(sent, ended);

    assertEquals(0, new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--no-members", "--copy-hook-secrets", "--keep-existing", "alpha"),
        output.err());
    assertEquals(new JsonObject().put("copyMembers", false).put("copyHookSecrets", true).put("existing", "keep"),
        sent.get().getJsonObject("options"));
    assertEquals(0, new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "alpha"), output.err());
    assertEquals(new JsonObject().put("copyMembers", true).put("copyHookSecrets", false).put("existing", "update"),
        sent.get().getJsonObject("options"), "without them, the engine's defaults");
  }

  @Test
  void allProvisionedRollsOutToTheTemplatesTenantsWithTheOptionsGiven() {
    var sent = new AtomicReference<JsonObject>();
    var ended = new JsonObject(batch("succeeded", 2, 0)).put("dryRun", true).encode();
    startingGateway(sent, ended);

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--all-provisioned", "--dry-run", "--keep-existing", "--no-members");

    assertEquals(0, exit, output.err());
    assertEquals(new JsonObject().put("templateOrganization", "t1").put("select", "provisionedFrom")
        .put("concurrency", 4).put("dryRun", true).put("options", new JsonObject().put("copyMembers", false)
            .put("copyHookSecrets", false).put("existing", "keep")), sent.get());
    var printed = output.out();
    assertTrue(printed.contains("batch b1: 2 tenants from tpl (every tenant made from it)\n"), printed);
    assertTrue(printed.contains("batch succeeded (dry run): 2 of 2 tenants planned"), printed);
  }

  @Test
  void aRolloutEndsSayingItsTenantsWereBroughtUpToDate() {
    var rollout = new JsonObject(batch("succeeded", 2, 0)).put("selection", "provisionedFrom").encode();
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200, "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, rollout));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");

    assertEquals(0, exit, output.err());
    assertTrue(output.out().contains("batch succeeded: 2 of 2 tenants brought up to date, 0 failed; objects: "),
        output.out());
  }

  /**
   * A batch started through the API may name existing organizations beside new tenants: followed, its end counted them
   * all made.
   */
  @Test
  void aFollowedBatchTellsTheExistingTenantsItBroughtUpToDateFromThoseItMade() {
    var made = new JsonObject().put("id", "j1").put("status", "succeeded").put("targetOrganization", "o1")
        .put("target", new JsonObject().put("name", "acme"));
    var existing = new JsonObject().put("id", "j2").put("status", "succeeded").put("targetOrganization", "o2")
        .putNull("target");
    var queries = new CopyOnWriteArrayList<String>();
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> {
          var query = exchange.getRequestURI().getQuery();
          queries.add(query);
          // the succeeded ones a page each, as a batch of more than a page answers them
          answer(exchange, 200, !query.contains("status=succeeded") ? "{\"items\":[]}"
              : query.contains("cursor=") ? new JsonObject().put("items", new JsonArray().add(existing)).encode()
                  : new JsonObject().put("items", new JsonArray().add(made)).put("nextCursor", "c1").encode());
        })
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, batch("succeeded", 2, 0)))
        .on("/v1/organizations", exchange -> answer(exchange, 200, page(tenant("o1", "j1")).encode()));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");

    assertEquals(0, exit, output.err());
    assertTrue(output.out().contains("batch succeeded: 2 of 2 tenants done (1 made, 1 existing brought up to date), "
        + "0 failed; objects: "), output.out());
    assertTrue(queries.contains("limit=500&status=succeeded&cursor=c1"), queries.toString());
  }

  /**
   * Running a provisioning again with the same tenants finds those the template made and brings them up to date: until
   * session 47 the end counted them made, as neither the batch nor the job tells it. The organization says which job
   * made it; a retried job whose earlier run made its organization made it.
   */
  @Test
  void aNewTenantFoundMadeByAnEarlierJobIsCountedBroughtUpToDateNotMade() {
    var retried = new JsonObject().put("id", "j1").put("status", "succeeded").put("targetOrganization", "o1")
        .put("target", new JsonObject().put("name", "acme")).put("attempts", 2);
    var found = new JsonObject().put("id", "j2").put("status", "succeeded").put("targetOrganization", "o2")
        .put("target", new JsonObject().put("name", "beta")).put("attempts", 1);
    var listed = new CopyOnWriteArrayList<String>();
    var ended = batch("succeeded", 2, 0);
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches", exchange -> answer(exchange, 202, ended))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, ended))
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200,
            exchange.getRequestURI().getQuery().contains("status=succeeded")
                ? page(retried, found).encode() : "{\"items\":[]}"))
        .on("/v1/organizations", exchange -> {
          var query = exchange.getRequestURI().getQuery();
          listed.add(query);
          // the template's tenants by id, a page each: one an earlier batch made, then this batch's two
          answer(exchange, 200, !query.contains("cursor=") ? page(tenant("o0", "j0")).put("nextCursor", "o0").encode()
              : page(tenant("o1", "j1"), tenant("o2", "j0")).encode());
        });

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "acme", "beta");

    assertEquals(0, exit, output.err());
    assertTrue(output.out().contains("batch succeeded: 2 of 2 tenants done (1 made, 1 existing brought up to date), "
        + "0 failed; objects: "), output.out());
    assertEquals(List.of("limit=500&order=id&provisionedFrom=t1&groupId=g1",
        "limit=500&order=id&provisionedFrom=t1&groupId=g1&cursor=o0"), listed);
  }

  /** An organization the provisioning engine made for job {@code job}. */
  private static JsonObject tenant(String id, String job) {
    return new JsonObject().put("id", id).put("provisionedFrom", new JsonObject().put("templateId", "t1")
        .put("jobId", job));
  }

  /** A page of {@code items}, the last. */
  private static JsonObject page(JsonObject... items) {
    return new JsonObject().put("items", new JsonArray(List.of((Object[]) items)));
  }

  @Test
  void aFailedTenantOfARolloutIsListedByItsOrganization() {
    var failed = new JsonObject().put("code", "validation_failed").put("detail", "Refused.").put("errors",
        new JsonArray().add(new JsonObject().put("field", "metadata.tier").put("message", "must be a string")));
    var job = new JsonObject().put("id", "j1").put("status", "failed").put("targetOrganization", "o1")
        .put("error", failed).put("attempts", 1);
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200,
            exchange.getRequestURI().getQuery().contains("status=failed")
                ? new JsonObject().put("items", new JsonArray().add(job)).encode() : "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, batch("failed", 1, 0)));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");

    assertEquals(1, exit, output.err());
    assertTrue(output.out().contains("\n  o1: failed (validation_failed: Refused.)\n    metadata.tier: must be a "
        + "string\n    partly brought up to date (retry the batch to complete it)\n"), output.out());
  }

  /**
   * Only a job that may have written to its organization is said to have left it partly copied: not one cancelled
   * while queued, nor one refused {@code requester_not_admin} before it wrote; one that could not invite its owner
   * finished the copy.
   */
  @Test
  void whatAnUnsuccessfulJobLeftBehindIsWordedByWhatHappened() {
    var notInvited = new JsonObject().put("id", "j1").put("status", "failed").put("targetOrganization", "o1")
        .put("target", new JsonObject().put("name", "acme")).put("attempts", 1)
        .put("error", new JsonObject().put("code", "owner_not_invited").put("detail", "Refused."));
    var notAdmin = new JsonObject().put("id", "j2").put("status", "failed").put("targetOrganization", "o2")
        .put("attempts", 1).put("error", new JsonObject().put("code", "requester_not_admin").put("detail", "No."));
    var queued = new JsonObject().put("id", "j3").put("status", "cancelled").put("targetOrganization", "o3")
        .put("attempts", 0);
    gateway = new StandInGateway()
        .on("/v1/provisioning/batches/b1/jobs", exchange -> answer(exchange, 200,
            exchange.getRequestURI().getQuery().contains("status=failed")
                ? new JsonObject().put("items", new JsonArray().add(notInvited).add(notAdmin)).encode()
                : exchange.getRequestURI().getQuery().contains("status=cancelled")
                    ? new JsonObject().put("items", new JsonArray().add(queued)).encode() : "{\"items\":[]}"))
        .on("/v1/provisioning/batches/b1", exchange -> answer(exchange, 200, batch("failed", 1, 0)));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b1");

    assertEquals(1, exit, output.err());
    assertTrue(output.out().contains("\n  acme: failed (owner_not_invited: Refused.)\n    organization o1 is copied "
        + "completely, but its owner was not invited (retry the batch to invite them)\n  o2: failed "
        + "(requester_not_admin: No.)\n  o3: cancelled\n"), output.out());
    assertTrue(output.out().endsWith("  o3: cancelled\n"), output.out());
  }

  @Test
  void aTemplateWithoutTenantsToRollOutToCannotStart() {
    var problem = new JsonObject().put("code", "no_targets")
        .put("detail", "No organization of the template's group was provisioned from the template.");
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches", exchange -> answer(exchange, 422, problem.encode()));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--all-provisioned");

    assertEquals(2, exit);
    var printed = output.err();
    assertTrue(printed.contains("no_targets - No organization of the template's group was provisioned from the "
        + "template."), printed);
  }

  @Test
  void aRefusedBatchNamesEachBadTargetAndWhereItWasGiven(@TempDir Path dir) throws Exception {
    var targetsFile = Files.writeString(dir.resolve("tenants.txt"), "# tenants\nalpha\n\nBad Name\n");
    var problem = new JsonObject().put("code", "validation_failed").put("detail", "The target is invalid.")
        .put("errors", new JsonArray().add(new JsonObject().put("field", "targets[2].name")
            .put("message", "must be 3 to 63 characters of a-z, 0-9, _ and -")));
    gateway = new StandInGateway()
        .on("/v1/organizations/tpl", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches", exchange -> answer(exchange, 400, problem.encode()));

    int exit = new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "tpl", "--targets-file", targetsFile.toString(), "first");

    assertEquals(2, exit);
    var printed = output.err();
    assertTrue(printed.contains("validation_failed - The target is invalid.\n"), printed);
    assertTrue(printed.contains("  targets[2].name: must be 3 to 63 characters of a-z, 0-9, _ and - (tenant "
        + "\"Bad Name\", " + targetsFile + " line 4)"), printed);
  }

  /** A name or id is one segment of the path: a space in it is {@code %20}, as a form's {@code +} names another. */
  @Test
  void aTemplateOrBatchWithASpaceIsAskedForByThatName() {
    var paths = new CopyOnWriteArrayList<String>();
    gateway = new StandInGateway().on("/v1/", exchange -> {
      paths.add(exchange.getRequestURI().getRawPath());
      answer(exchange, 404, "{\"code\":\"not_found\",\"detail\":\"No such thing.\"}");
    });

    new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t",
        "--template", "acme template", "alpha");
    new CommandLine(new ProvisionCommand()).execute("--url", gateway.url(), "--token", "t", "--follow", "b 1");

    assertEquals(List.of("/v1/organizations/acme%20template", "/v1/provisioning/batches/b%201"), paths);
  }
}
