package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The group-admin and hook-editor checks against a stand-in for org-service that answers what a test says: only an
 * answer that refuses the caller refuses them; org-service failing or busy leaves the question open (503).
 */
class CallerAccessTest {

  private static Vertx vertx;
  private static CallerAccess access;
  private static final AtomicInteger status = new AtomicInteger();
  private static final AtomicReference<String> code = new AtomicReference<>("stand_in");

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var port = vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(status.get())
            .putHeader("Content-Type", "application/problem+json").end("{\"code\":\"" + code.get() + "\"}"))
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

  /** Asked for a hook no organization has, org-service answers {@code hook_not_found} only to who may edit hooks. */
  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404, 500, 429})
  void onlyAHookNotFoundShowsAHookEditor(int answered) {
    status.set(answered);
    code.set(answered == 404 ? "organization_not_found" : "stand_in");
    var refused = assertThrows(ApiException.class,
        () -> access.requireHookEditor("Bearer token", UUID.randomUUID().toString()).await());
    assertEquals(answered >= 429 ? 503 : 403, refused.status());
    assertEquals(answered >= 429 ? "org_service_unavailable" : "copy_hook_secrets_forbidden", refused.code());
    status.set(404);
    code.set("hook_not_found");
    access.requireHookEditor("Bearer token", UUID.randomUUID().toString()).await();
    code.set("stand_in");
  }
}
