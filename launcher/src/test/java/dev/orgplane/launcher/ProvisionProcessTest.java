package dev.orgplane.launcher;

import static dev.orgplane.launcher.StandInGateway.answer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
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
}
