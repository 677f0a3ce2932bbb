package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The group-admin check against a stand-in for org-service that answers what a test says: only an answer that
 * refuses the caller the group refuses them; org-service failing or busy leaves the question open (503).
 */
class CallerAccessTest {

  private static Vertx vertx;
  private static CallerAccess access;
  private static final AtomicInteger status = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var port = vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(status.get())
            .putHeader("Content-Type", "application/problem+json").end("{\"code\":\"stand_in\"}"))
        .listen(0, "127.0.0.1").await().actualPort();
    access = new CallerAccess(WebClient.create(vertx), "http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static ApiException refusal(int answered) {
    status.set(answered);
    return assertThrows(ApiException.class,
        () -> access.requireGroupAdmin("Bearer token", UUID.randomUUID().toString()).await());
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404})
  void aGroupOrgServiceRefusesTheCallerIsForbidden(int answered) {
    var refused = refusal(answered);
    assertEquals(403, refused.status());
    assertEquals("forbidden", refused.code());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 429})
  void orgServiceFailingOrBusyIsUnavailableNotAForbiddenCaller(int answered) {
    var refused = refusal(answered);
    assertEquals(503, refused.status());
    assertEquals("org_service_unavailable", refused.code());
  }

  @Test
  void aGroupOrgServiceShowsTheCallerIsTheirs() {
    status.set(200);
    access.requireGroupAdmin("Bearer token", UUID.randomUUID().toString()).await();
  }
}
