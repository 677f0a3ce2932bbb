package dev.orgplane.kit.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HealthRoutesTest {

  private static final String INTERNAL = "JWKS http://10.1.2.3:8081/.well-known/jwks.json answered 500";

  /**
   * The public readiness route answered its check's failure as is: at the gateway, org-service's internal URL,
   * address and port. The cause is logged instead, once until it changes, not once per probe.
   */
  @Test
  void notReadyAnswersNoCauseAndLogsEachCauseOnce(Vertx vertx) {
    var cause = new AtomicReference<String>(INTERNAL);
    var router = Router.router(vertx);
    HealthRoutes.mount(router, () -> cause.get() == null ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException(cause.get())));
    int port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
    var client = WebClient.create(vertx);
    var logged = new ByteArrayOutputStream();
    var err = System.err;
    System.setErr(new PrintStream(logged, true, StandardCharsets.UTF_8));
    var answers = new ArrayList<String>();
    try {
      for (var next : Arrays.asList(INTERNAL, INTERNAL, INTERNAL, "refused", null, INTERNAL)) {
        cause.set(next);
        var ready = client.get(port, "127.0.0.1", "/health/ready").send().await();
        answers.add(ready.statusCode() + " " + (next == null ? "" : new JsonObject(ready.bodyAsString())
            .getString("code")));
        assertFalse(ready.bodyAsString().contains("10.1.2.3"), ready.bodyAsString());
      }
    } finally {
      System.setErr(err);
    }
    assertEquals(List.of("503 not_ready", "503 not_ready", "503 not_ready", "503 not_ready", "200 ", "503 not_ready"),
        answers);
    var notReady = logged.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("Not ready: "))
        .map(line -> line.substring(line.indexOf("Not ready: "))).toList();
    assertEquals(List.of("Not ready: java.lang.IllegalStateException: " + INTERNAL,
        "Not ready: java.lang.IllegalStateException: refused", "Not ready: java.lang.IllegalStateException: " + INTERNAL),
        notReady);
  }
}
