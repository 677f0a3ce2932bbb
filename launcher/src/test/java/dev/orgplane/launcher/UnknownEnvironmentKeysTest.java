package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ORGPLANE_* variable nothing reads is warned about at start: a mistyped {@code ORGPLANE_SMTP_PASWORD} used to
 * leave mail unauthenticated, and {@code ORGPLANE_RATE_LIMIT_PER_SECONDS} the default rate, without a word.
 */
class UnknownEnvironmentKeysTest {

  @TempDir
  Path temp;

  @Test
  void aMistypedKeyIsNamedWithTheKeyMeant() {
    assertEquals(List.of(
            "ORGPLANE_RATE_LIMIT_PER_SECONDS in the environment is no Orgplane setting, and changes nothing: did you "
                + "mean ORGPLANE_RATE_LIMIT_PER_SECOND?",
            "ORGPLANE_SMTP_PASWORD in the environment is no Orgplane setting, and changes nothing: did you mean "
                + "ORGPLANE_SMTP_PASSWORD?",
            "ORGPLANE_TRANSPORTS in the environment is no Orgplane setting, and changes nothing: did you mean "
                + "ORGPLANE_TRANSPORT?"),
        UnknownEnvironmentKeys.warnings(Map.of("ORGPLANE_SMTP_PASWORD", "secret",
            "ORGPLANE_RATE_LIMIT_PER_SECONDS", "5", "ORGPLANE_TRANSPORTS", "io_uring")));
  }

  @Test
  void aKeyNearNoneIsNamedWithoutItsValue() {
    assertEquals(List.of("ORGPLANE_COLOUR in the environment is no Orgplane setting, and changes nothing (see the "
        + "README's Configuration table)"), UnknownEnvironmentKeys.warnings(Map.of("ORGPLANE_COLOUR", "s3cret-blue")));
  }

  @Test
  void whatTheCommandReadsAndOtherVariablesAreNotWarnedAbout() {
    assertEquals(List.of(), UnknownEnvironmentKeys.warnings(Map.of("ORGPLANE_HTTP_PORT", "9090", "ORGPLANE_DEBUG", "1",
        "ORGPLANE_ACCESS_LOG_LEVEL", "WARN", "ORGPLANE_TOKEN", "t", "ORGPLANE_PASSWORD", "p", "PATH", "/usr/bin",
        "ORGPLANEX", "not ours")));
  }

  /** The process loads its configuration once and hands it to every instance of its services: one warning. */
  @Test
  void aServiceOnTwoEventLoopsWarnsOnce() throws Exception {
    try (var gateway = OrgplaneProcess.start(temp.resolve("gateway.out"),
        Map.of("ORGPLANE_RATE_LIMIT_PER_SECONDS", "5"), "gateway", "--set", "ORGPLANE_HTTP_HOST=127.0.0.1",
        "--set", "ORGPLANE_HTTP_PORT=0", "--set", "ORGPLANE_GATEWAY_EVENT_LOOPS=2")) {
      gateway.awaitOutput("Orgplane api-gateway is up", 60);
      var warnings = gateway.output().lines()
          .filter(line -> line.contains("WARN") && line.contains("ORGPLANE_RATE_LIMIT_PER_SECONDS")).toList();
      assertEquals(1, warnings.size(), gateway.output());
      assertTrue(warnings.get(0).endsWith("did you mean ORGPLANE_RATE_LIMIT_PER_SECOND?"), warnings.get(0));
    }
  }
}
