package dev.orgplane.launcher;

import static dev.orgplane.launcher.StandInGateway.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Command lines the {@code orgplane} command cannot use end with the problem and the usage on stderr and exit
 * code 64, which no command gives another meaning; provision refuses them before it asks the gateway anything, and
 * its help lists 64 with its other exit codes.
 */
class UsageErrorTest {

  @RegisterExtension
  final CapturedOutput output = new CapturedOutput();
  /** A gateway that notes every request; a usage error must leave it untouched. */
  private StandInGateway gateway;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startGateway() {
    gateway = new StandInGateway().on("/", exchange -> {
      asked.add(exchange.getRequestURI().getPath());
      answer(exchange, 200, "{\"access_token\":\"a\",\"refresh_token\":\"r\"}");
    });
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
  }

  private void assertUsageError(String expectedProblem, String expectedUsage, String... args) {
    output.reset();
    int exit = Orgplane.commandLine().execute(args);
    var printed = output.err();
    assertEquals(Orgplane.USAGE_ERROR, exit, printed);
    assertTrue(printed.startsWith("orgplane: ") && printed.contains(expectedProblem), printed);
    assertTrue(printed.contains("Usage: " + expectedUsage), printed);
    assertEquals("", output.out(), "nothing on stdout");
    assertEquals(List.of(), asked, "the gateway was asked nothing");
  }

  @Test
  void aCommandLineThatCannotBeUsedIsAUsageError() {
    assertUsageError("name a command", "orgplane ");
    assertUsageError("Unknown option: '--bogus'", "orgplane standalone", "standalone", "--bogus");
    assertUsageError("unknown configuration key 'FOO'", "orgplane standalone", "standalone", "--set", "FOO=bar");
    assertUsageError("unknown configuration key 'PORT'", "orgplane gateway", "gateway", "-s", "PORT=1");
    // on admin, which, were the key taken, would find no database and end (standalone would start a platform)
    assertUsageError("unknown configuration key 'ORGPLANE_HTTP_PROT': did you mean ORGPLANE_HTTP_PORT?",
        "orgplane admin", "admin", "--set", "ORGPLANE_HTTP_PROT=9090", "rotate-signing-key");
    assertUsageError("unknown configuration key 'ORGPLANE_PG_ULR': did you mean ORGPLANE_PG_URL?", "orgplane admin",
        "admin", "--set", "ORGPLANE_PG_ULR=postgresql://localhost/db", "rotate-signing-key");
    assertUsageError("unknown configuration key 'ORGPLANE_COLOUR' (see the README's table)", "orgplane admin",
        "admin", "--set", "ORGPLANE_COLOUR=blue", "rotate-signing-key");
    assertUsageError("ORGPLANE_TRANSPORT is read from the environment only", "orgplane standalone", "standalone",
        "--set", "ORGPLANE_TRANSPORT=io_uring");
    assertUsageError("name an operation", "orgplane admin", "admin");
    assertUsageError("Missing required option: '--email", "orgplane admin make-platform-admin",
        "admin", "make-platform-admin");
    assertUsageError("Invalid value for option '--concurrency'", "orgplane provision",
        "provision", "--concurrency", "many", "--follow", "b1");
  }

  @Test
  void provisionRefusesUnusableOptionsBeforeSigningIn() {
    var signIn = new String[] {"--url", gateway.url(), "--email", "a@b.test", "--password", "p"};
    assertUsageError("give --follow or --cancel, not both", "orgplane provision",
        concat(signIn, "--follow", "b1", "--cancel", "b1"));
    assertUsageError("start a batch; --follow names one started already", "orgplane provision",
        concat(signIn, "--follow", "b1", "--template", "t", "x"));
    assertUsageError("start a batch; --cancel names one started already", "orgplane provision",
        concat(signIn, "--cancel", "b1", "x"));
    assertUsageError("give one of", "orgplane provision", concat(signIn));
    // the sign-in used to win without a word
    assertUsageError("give --token or --email, not both", "orgplane provision",
        concat(signIn, "--token", "t", "--follow", "b1"));
    assertUsageError("name the template", "orgplane provision", concat(signIn, "tenant-1"));
    assertUsageError("name at least one new tenant", "orgplane provision", concat(signIn, "--template", "t"));
    assertUsageError("--all-provisioned selects the tenants: name none", "orgplane provision",
        concat(signIn, "--template", "t", "--all-provisioned", "tenant-1"));
    assertUsageError("--all-provisioned selects the tenants: name none", "orgplane provision",
        concat(signIn, "--template", "t", "--all-provisioned", "--targets-file", "tenants.txt"));
    assertUsageError("name the template", "orgplane provision", concat(signIn, "--all-provisioned"));
    assertUsageError("--idempotency-key goes with a batch to start", "orgplane provision",
        concat(signIn, "--follow", "b1", "--idempotency-key", "k1"));
    // they used to be ignored: a --dry-run --cancel cancelled the batch
    for (var startOption : List.of(List.of("--concurrency", "4"), List.of("--dry-run"), List.of("--no-members"),
        List.of("--copy-hook-secrets"), List.of("--keep-existing"))) {
      for (var followOrCancel : List.of("--follow", "--cancel")) {
        var args = new ArrayList<>(List.of(concat(signIn, followOrCancel, "b1")));
        args.addAll(startOption);
        assertUsageError(startOption.get(0) + " goes with a batch to start (--template), not --follow or --cancel",
            "orgplane provision", args.toArray(new String[0]));
      }
    }
    assertUsageError("start a batch; --follow names one started already", "orgplane provision",
        concat(signIn, "--follow", "b1", "--all-provisioned"));
    assertUsageError("--concurrency must be 1-64, got 0", "orgplane provision",
        concat(signIn, "--concurrency", "0", "--template", "t", "x"));
    assertUsageError("--concurrency must be 1-64, got 65", "orgplane provision",
        concat(signIn, "--concurrency", "65", "--template", "t", "x"));
    assertUsageError("command line: a tenant is a name, or a name, a comma and its owner's email address, got "
        + "'acme,ceo@acme.example,cfo@acme.example'", "orgplane provision",
        concat(signIn, "--template", "t", "acme,ceo@acme.example,cfo@acme.example"));
    assertUsageError("got 'acme, '", "orgplane provision", concat(signIn, "--template", "t", "acme, "));
    for (var url : List.of("ftp://localhost:8080", "localhost:8080", "http:///v1", "http://exa mple")) {
      assertUsageError("--url", "orgplane provision", "provision", "--url", url, "--token", "t", "--follow", "b1");
    }
    assertUsageError("--url's port must be 1 to 65535, got 99999", "orgplane provision",
        "provision", "--url", "http://localhost:99999", "--token", "t", "--follow", "b1");
    assertUsageError("--url's port must be 1 to 65535, got 0", "orgplane provision",
        "provision", "--url", "http://localhost:0", "--token", "t", "--follow", "b1");
    // paths appended after a query or a fragment are no paths; the password is not repeated
    for (var url : List.of("http://localhost:8080/?x=1", "http://localhost:8080#top", "https://admin:secret@gw.test")) {
      assertUsageError("--url names the gateway alone: no user@, ?query or #fragment, got '"
          + url.replace("secret", "***") + "'", "orgplane provision",
          "provision", "--url", url, "--token", "t", "--follow", "b1");
    }
  }

  /** A --url refused for its shape is shown as given but for its password: the line may end up in a log. */
  @Test
  void aRefusedUrlIsShownWithoutItsPassword() {
    assertUsageError("--url is not a URL (Illegal character in path), got 'http://admin:***@gw.test/a b'",
        "orgplane provision", "provision", "--url", "http://admin:s3cret@gw.test/a b", "--token", "t", "--follow", "b1");
    assertFalse(output.err().contains("s3cret"), output.err());
    assertUsageError("--url must be an http:// or https:// URL with a host, got 'ftp://admin:***@gw.test'",
        "orgplane provision", "provision", "--url", "ftp://admin:s3cret@gw.test", "--token", "t", "--follow", "b1");
    assertFalse(output.err().contains("s3cret"), output.err());
  }

  /** Without credentials every call would be refused: said before the first, not as a batch that could not start. */
  @Test
  void provisionRefusesToRunWithoutCredentials() {
    assumeTrue(System.getenv("ORGPLANE_TOKEN") == null && System.getenv("ORGPLANE_PASSWORD") == null,
        "credentials in the environment are the command's defaults");
    assertUsageError("give --token (or ORGPLANE_TOKEN), or --email and --password (or ORGPLANE_PASSWORD)",
        "orgplane provision", "provision", "--url", gateway.url(), "--follow", "b1");
    assertUsageError("give --token", "orgplane provision", "provision", "--url", gateway.url(), "--token", " ",
        "--follow", "b1");
    assertUsageError("--email needs its --password (or ORGPLANE_PASSWORD)", "orgplane provision",
        "provision", "--url", gateway.url(), "--email", "a@b.test", "--follow", "b1");
  }

  @Test
  void aProvisionThatFailsUnexpectedlyIsNotReportedAsFailedTenants() {
    gateway.close();
    // a batch without the counts every batch has: the command cannot follow it
    gateway = new StandInGateway().on("/v1/provisioning/batches/b1", exchange ->
        answer(exchange, 200, "{\"id\":\"b1\",\"status\":\"running\",\"total\":1,\"items\":[]}"));

    int exit = Orgplane.commandLine().execute("provision", "--url", gateway.url(), "--token", "t", "--follow", "b1");

    var printed = output.err();
    assertEquals(2, exit, printed);
    assertEquals(1, printed.lines().count(), printed);
    assertTrue(printed.startsWith("orgplane: "), printed);
  }

  /** Its exit codes were only in the README and the code: a script's author reading the help did not learn them. */
  @Test
  void provisionsHelpListsItsExitCodes() {
    int exit = Orgplane.commandLine().execute("provision", "--help");

    var help = output.out().lines().map(String::strip).toList();
    assertEquals(0, exit, output.err());
    assertTrue(help.contains("Exit codes:"), output.out());
    for (var code : List.of("0   the batch succeeded", "1   followed to its end, some job failed",
        "2   the batch could not be started", "64   a command line it cannot use")) {
      assertTrue(help.stream().anyMatch(line -> line.startsWith(code)), code + " in " + output.out());
    }
  }

  /**
   * The codes every command shares were in the README only, and those of standalone, database and the services
   * (SIGTERM's 143 among them) nowhere a script's author looked.
   */
  @Test
  void orgplanesHelpListsTheCodesEveryCommandShares() {
    var listed = HelpedExitCodes.of();

    assertEquals(List.of(0, 1, Orgplane.USAGE_ERROR, PlatformProcess.STOPPED_BY_SIGTERM),
        List.copyOf(listed.meanings().keySet()), listed.toString());
    assertEquals(1, listed.code("a failure, told in one line on stderr"));
    assertEquals(listed.code("a command line it cannot use"), Orgplane.commandLine().execute("bogus"), output.err());
    assertEquals(PlatformProcess.STOPPED_BY_SIGTERM, listed.code("stopped by SIGTERM"));
  }

  /**
   * The commands that run until they are stopped listed no code: a failed start's 1, a usage error, and SIGTERM's 143,
   * which systemd counts a failure unless told. None exits 0 by itself: not listed, as no script waits for it.
   */
  @Test
  void theHelpOfEachProcessCommandListsTheCodesItExitsWith() {
    for (var command : List.of("standalone", "database", "gateway", "org-service", "engine")) {
      var listed = HelpedExitCodes.of(command);

      assertEquals(List.of(1, Orgplane.USAGE_ERROR, PlatformProcess.STOPPED_BY_SIGTERM),
          List.copyOf(listed.meanings().keySet()), listed.toString());
      assertEquals(1, listed.code("a failure, told in one line on stderr (it could not start)"), listed.toString());
      assertEquals(PlatformProcess.STOPPED_BY_SIGTERM, listed.code("stopped by SIGTERM"), listed.toString());
    }
  }

  private static String[] concat(String[] first, String... more) {
    var all = new String[first.length + 1 + more.length];
    all[0] = "provision";
    System.arraycopy(first, 0, all, 1, first.length);
    System.arraycopy(more, 0, all, 1 + first.length, more.length);
    return all;
  }
}
