package dev.orgplane.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.orgplane.launcher.StandInGateway.answer;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line's client against a stand-in for the gateway whose access tokens run out after one use: the
 * client refreshes and goes on, as it must when following a batch outlives the hour.
 */
class GatewayClientTest {

  private StandInGateway gateway;
  /** What the stand-in was asked, in order: token grants and the bearer tokens of API calls. */
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    gateway = new StandInGateway();
    gateway.on("/v1/auth/token", exchange -> {
      var form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(form.replaceAll("&password=[^&]*", ""));
      if (form.contains("refresh_token=r1")) {
        answer(exchange, 200, "{\"access_token\":\"a2\",\"refresh_token\":\"r2\"}");
      } else if (form.startsWith("grant_type=password")) {
        answer(exchange, 200, "{\"access_token\":\"a1\",\"refresh_token\":\"r1\"}");
      } else {
        answer(exchange, 400, "{\"code\":\"invalid_grant\",\"detail\":\"The refresh token is used.\"}");
      }
    });
    gateway.on("/v1/provisioning/batches", exchange -> {
      var bearer = exchange.getRequestHeaders().getFirst("Authorization");
      seen.add(bearer);
      if ("Bearer a1".equals(bearer) && seen.stream().filter("Bearer a1"::equals).count() > 1) {
        answer(exchange, 401, "{\"code\":\"invalid_token\",\"detail\":\"The token has expired.\"}");
      } else {
        answer(exchange, 200, "{\"status\":\"running\"}");
      }
    });
    gateway.on("/v1/tagged", exchange -> {
      var held = exchange.getRequestHeaders().getFirst("If-None-Match");
      seen.add("If-None-Match: " + held);
      exchange.getResponseHeaders().add("ETag", "\"t1\"");
      if ("\"t1\"".equals(held)) {
        exchange.sendResponseHeaders(304, -1);
        exchange.close();
      } else {
        answer(exchange, 200, "{\"status\":\"running\",\"total\":3}");
      }
    });
    gateway.on("/v1/busy", exchange -> {
      seen.add("busy");
      if (seen.stream().filter("busy"::equals).count() <= 2) {
        answer(exchange, 503, "{\"code\":\"service_unavailable\",\"detail\":\"Restarting.\"}");
      } else {
        answer(exchange, 200, "{\"status\":\"running\"}");
      }
    });
    gateway.on("/v1/limited", exchange -> {
      seen.add("limited");
      if (seen.stream().filter("limited"::equals).count() == 1) {
        exchange.getResponseHeaders().add("Retry-After", "1");
        answer(exchange, 429, "{\"code\":\"rate_limited\",\"detail\":\"Too many requests.\"}");
      } else {
        answer(exchange, 200, "{\"status\":\"running\"}");
      }
    });
    gateway.on("/v1/broken", exchange -> answer(exchange, 500, "{\"code\":\"internal_error\"}"));
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private GatewayClient client() {
    return new GatewayClient(gateway.url(), null);
  }

  @Test
  void anExpiredTokenIsRefreshedOnceAndTheCallGoesOn() {
    var client = client();
    client.signIn("admin@example.com", "secret");

    assertEquals("running", client.get("/v1/provisioning/batches").getString("status"));
    assertEquals("running", client.get("/v1/provisioning/batches").getString("status"));

    assertEquals(List.of("grant_type=password&username=admin%40example.com", "Bearer a1", "Bearer a1",
        "grant_type=refresh_token&refresh_token=r1", "Bearer a2"), seen);
  }

  @Test
  void anObjectReadAgainUnchangedIsNotSentAgain() {
    var client = new GatewayClient(gateway.url(), "a1");
    var first = client.get("/v1/tagged");
    var again = client.get("/v1/tagged");

    assertEquals(first, again, "the copy held stands for the 304");
    assertEquals(3, again.getLong("total"));
    assertEquals(List.of("If-None-Match: null", "If-None-Match: \"t1\""), seen);
  }

  @Test
  void aTokenEndingInALineBreakIsSentWithoutIt() {
    var client = new GatewayClient(gateway.url(), "a1\r\n");

    assertEquals("running", client.get("/v1/provisioning/batches").getString("status"));
    assertEquals(List.of("Bearer a1"), seen);
  }

  @Test
  void aTokenNoHeaderCanCarryIsRefusedWithoutBeingPrinted() {
    var client = new GatewayClient(gateway.url(), "secret-part\r\nX-Injected: 1");

    var refused = assertThrows(LauncherException.class, () -> client.get("/v1/provisioning/batches"));

    assertEquals("--token holds characters a header cannot carry", refused.getMessage());
    assertTrue(seen.isEmpty(), seen.toString());
  }

  @Test
  void aTokenGivenOnTheCommandLineIsNotRefreshed() {
    var client = new GatewayClient(gateway.url(), "a1");
    client.get("/v1/provisioning/batches");

    var refused = assertThrows(LauncherException.class, () -> client.get("/v1/provisioning/batches"));

    assertTrue(refused.getMessage().contains("HTTP 401") && refused.getMessage().contains("invalid_token"),
        refused.getMessage());
    assertTrue(seen.stream().noneMatch(line -> line.startsWith("grant_type")), seen.toString());
  }

  /** The first retries came after half a second, then a second: a moment's 503 kept a command (and a test) waiting. */
  @Test
  void followingRidesOutAGatewayThatIsBusyForAWhile() {
    var client = new GatewayClient(gateway.url(), "a1");
    var waits = new ArrayList<String>();

    assertEquals("running", client.poll("/v1/busy", Duration.ofSeconds(60), waits::add).getString("status"));

    assertEquals(2, waits.size(), waits.toString());
    assertTrue(waits.get(0).contains("HTTP 503") && waits.get(0).contains("trying again in 50 ms"), waits.get(0));
    assertTrue(waits.get(1).contains("trying again in 100 ms"), waits.get(1));
  }

  /** Retried after its short first pause, a rate limit would only be met again: it says how long to wait. */
  @Test
  void followingWaitsAsLongAsAnAnswersRetryAfterAsks() {
    var client = new GatewayClient(gateway.url(), "a1");
    var waits = new ArrayList<String>();

    assertEquals("running", client.poll("/v1/limited", Duration.ofSeconds(60), waits::add).getString("status"));

    assertEquals(1, waits.size(), waits.toString());
    assertTrue(waits.get(0).contains("HTTP 429") && waits.get(0).contains("trying again in 1.0 s"), waits.get(0));
  }

  @Test
  void aCallThatIsNotFollowingFailsAtOnce() {
    var client = new GatewayClient(gateway.url(), "a1");

    var refused = assertThrows(LauncherException.class, () -> client.get("/v1/busy"));

    assertTrue(refused.getMessage().contains("HTTP 503"), refused.getMessage());
  }

  @Test
  void followingDoesNotRetryAnAnswerThatWillNotPass() {
    var client = new GatewayClient(gateway.url(), "a1");
    var waits = new ArrayList<String>();

    var refused = assertThrows(LauncherException.class, () -> client.poll("/v1/broken", Duration.ofSeconds(60),
        waits::add));

    assertTrue(refused.getMessage().contains("HTTP 500"), refused.getMessage());
    assertEquals(List.of(), waits);
  }

  @Test
  void followingAPlatformThatIsGoneGivesUpAfterItsPatience() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var client = new GatewayClient("http://127.0.0.1:" + closedPort, "a1");
    var waits = new ArrayList<String>();

    // 3 s, not 1: the fourth wait is its whole 400 ms only while that much patience is left, and with 1 s the first
    // tries and the 350 ms of waits before it had to take under 600 ms, which a busy machine's first connection did not
    var gone = assertThrows(LauncherException.class, () -> client.poll("/v1/busy", Duration.ofSeconds(3), waits::add));

    assertTrue(gone.getMessage().contains("cannot reach") && gone.getMessage().contains("after 3 s"), gone.getMessage());
    assertTrue(waits.size() >= 4, "waits of 50, 100, 200, 400 ms, then of what is left: " + waits);
    assertTrue(waits.get(0).endsWith("trying again in 50 ms") && waits.get(3).endsWith("trying again in 400 ms"),
        waits.toString());
  }

  /** The gateway's URL is named in what the command prints, which may be logged: never with a password. */
  @Test
  void aGatewayThatCannotBeReachedIsNamedWithoutAPassword() throws Exception {
    int closedPort;
    try (var socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var client = new GatewayClient("http://admin:s3cret@127.0.0.1:" + closedPort, "a1");

    var gone = assertThrows(LauncherException.class, () -> client.poll("/v1/busy", Duration.ZERO, waits -> { }));

    assertTrue(gone.getMessage().contains("cannot reach http://admin:***@127.0.0.1:" + closedPort),
        gone.getMessage());
    assertFalse(gone.getMessage().contains("s3cret"), gone.getMessage());
  }
}
