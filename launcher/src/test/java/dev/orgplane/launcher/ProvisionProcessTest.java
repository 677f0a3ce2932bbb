package dev.orgplane.launcher;

import static dev.orgplane.launcher.StandInGateway.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orgplane provision} in a JVM of its own: what it prints up to and at the JVM's exit. */
class ProvisionProcessTest {

  private StandInGateway gateway;

  @AfterEach
  void stop() {
    gateway.close();
  }

  /** Stopped while a start's answer was lost, and the start sent again, it used to exit saying nothing. */
  @Test
  void aStopWhileTheStartIsSentAgainSaysTheBatchMayRunAndWhereToFindIt(@TempDir Path dir) throws Exception {
    gateway = new StandInGateway()
        .on("/v1/organizations/", exchange -> answer(exchange, 200, "{\"id\":\"t1\"}"))
        .on("/v1/provisioning/batches", exchange -> answer(exchange, 503, "{}"));

    try (var provision = OrgplaneProcess.start(dir.resolve("out.txt"), "provision", "--url", gateway.url() + "/",
        "--token", "t", "--template", "acme-template", "tenant-a")) {
      provision.awaitOutput("trying again", 60);
      provision.process().destroy();
      provision.exitWithin(60);

      assertTrue(provision.output().contains("the batch may have started all the same: before starting it again, look "
          + "for it with GET " + gateway.url() + "/v1/provisioning/batches?template=t1&order=newest (then --follow or "
          + "--cancel its id)"), provision.output());
    }
  }

  @Test
  void aFollowThatFailsLeavesNoNoticeForTheJvmsExit(@TempDir Path dir) throws Exception {
    // a batch without the counts every batch has: the command cannot follow it
    gateway = new StandInGateway().on("/v1/provisioning/batches/b1", exchange ->
        answer(exchange, 200, "{\"id\":\"b1\",\"status\":\"running\",\"total\":1,\"items\":[]}"));

    try (var provision = OrgplaneProcess.start(dir.resolve("out.txt"), "provision", "--url", gateway.url(),
        "--token", "t", "--follow", "b1")) {
      assertEquals(2, provision.exitWithin(60), provision.output());
      assertFalse(provision.output().contains("goes on"),
          "the command ended: the batch's notice for an interrupted follow is not printed\n" + provision.output());
    }
  }

  /**
   * Credentials with what picocli expands in its own defaults, {@code $$} and {@code ${...}}: read as its
   * {@code ${env:...}} defaults they were sent changed ({@code p$q}, {@code admin}, {@code null}, this JVM's
   * {@code HOME}), or a lone {@code ${} crashed the command.
   */
  private static final String DOLLARS = "p$$q-${USER:-admin}-${NOPE}-${HOME}-x${y";

  /** A gateway where batch {@code b1} has ended and a sign-in is answered, each request's credentials kept. */
  private StandInGateway signInGateway(List<String> credentials) {
    return new StandInGateway()
        .on("/v1/auth/token", exchange -> {
          var form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          credentials.add(URLDecoder.decode(form.replaceFirst(".*&password=", ""), StandardCharsets.UTF_8));
          answer(exchange, 200, "{\"access_token\":\"signed-in\",\"refresh_token\":\"r\"}");
        })
        .on("/v1/provisioning/batches/b1", exchange -> {
          credentials.add(exchange.getRequestHeaders().getFirst("Authorization"));
          answer(exchange, 200, exchange.getRequestURI().getPath().endsWith("/jobs") ? "{\"items\":[]}"
              : "{\"id\":\"b1\",\"status\":\"succeeded\",\"total\":1,\"counts\":{\"succeeded\":1},"
                  + "\"objects\":{\"created\":1,\"updated\":0,\"unchanged\":0}}");
        });
  }

  @Test
  void aPasswordFromTheEnvironmentIsSentAsItIsDollarSignsAndBracesIncluded(@TempDir Path dir) throws Exception {
    var credentials = new CopyOnWriteArrayList<String>();
    gateway = signInGateway(credentials);

    try (var provision = OrgplaneProcess.start(dir.resolve("out.txt"),
        Map.of(ProvisionCommand.PASSWORD_VARIABLE, DOLLARS), "provision", "--url", gateway.url(),
        "--email", "ops@example.test", "--follow", "b1")) {
      assertEquals(0, provision.exitWithin(60), provision.output());
    }
    assertEquals(DOLLARS, credentials.get(0));
    assertEquals("Bearer signed-in", credentials.get(1));
  }

  @Test
  void aTokenFromTheEnvironmentIsSentAsItIsDollarSignsAndBracesIncluded(@TempDir Path dir) throws Exception {
    var credentials = new CopyOnWriteArrayList<String>();
    gateway = signInGateway(credentials);

    try (var provision = OrgplaneProcess.start(dir.resolve("out.txt"), Map.of(ProvisionCommand.TOKEN_VARIABLE, DOLLARS),
        "provision", "--url", gateway.url(), "--follow", "b1")) {
      assertEquals(0, provision.exitWithin(60), provision.output());
    }
    assertEquals("Bearer " + DOLLARS, credentials.get(0));
  }
}
