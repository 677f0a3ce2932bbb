package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
 * The organization, group-admin and hook-editor checks against a stand-in for org-service that answers what a test
 * says: only an answer that refuses the caller refuses them; org-service failing or busy leaves the question open
 * (503).
 */
class CallerAccessTest {

  private static Vertx vertx;
  private static final String TEMPLATE = UUID.randomUUID().toString();
  private static CallerAccess access;
  private static final Caller CALLER = new Caller("Bearer token", null);
  private static final AtomicInteger status = new AtomicInteger();
  private static final AtomicReference<String> body = new AtomicReference<>("{\"code\":\"stand_in\"}");
  private static final AtomicReference<String> asked = new AtomicReference<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    var port = vertx.createHttpServer()
        .requestHandler(request -> {
          asked.set(request.method() + " " + request.path());
          request.response().setStatusCode(status.get()).putHeader("Content-Type", "application/json").end(body.get());
        })
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
        () -> access.requireGroupAdmin(CALLER, UUID.randomUUID().toString()).await());
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
    asked.set(null);
    var group = UUID.randomUUID().toString();
    assertDoesNotThrow(() -> access.requireGroupAdmin(CALLER, group).await());
    assertEquals("GET /v1/organization-groups/" + group, asked.get());
  }

  private static ApiException hookEditorRefusal(int answered, String answer) {
    status.set(answered);
    body.set(answer);
    return assertThrows(ApiException.class, () -> access.requireHookEditor(CALLER, TEMPLATE).await());
  }

  /** Only a list of what the caller may do in the template that has {@code app_hook_update} shows a hook editor. */
  @ParameterizedTest
  @ValueSource(strings = {"[]", "[\"app_hook_get\", \"app_hook_secretcopy\"]"})
  void aHookEditorIsWhoseTemplatePermissionsHaveHookUpdate(String permissions) {
    var refused = hookEditorRefusal(200, "{\"permissions\": " + permissions + "}");
    assertEquals(403, refused.status());
    assertEquals("copy_hook_secrets_forbidden", refused.code());
    assertEquals("GET /v1/organizations/" + TEMPLATE + "/permissions/me", asked.get());
    body.set("{\"permissions\": [\"app_hook_get\", \"app_hook_update\"]}");
    access.requireHookEditor(CALLER, TEMPLATE).await();
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404})
  void aTemplateOrgServiceRefusesTheCallerRefusesTheirHookSecrets(int answered) {
    var refused = hookEditorRefusal(answered, "{\"code\": \"organization_not_found\"}");
    assertEquals(403, refused.status());
    assertEquals("copy_hook_secrets_forbidden", refused.code());
  }

  /** Failing, busy, or answering what cannot be read: org-service has not said the caller lacks the right. */
  @ParameterizedTest
  @ValueSource(strings = {"500:{}", "429:{}", "200:{}", "200:not json"})
  void orgServiceThatCannotSayLeavesHookSecretsUndecided(String answer) {
    var parts = answer.split(":", 2);
    var refused = hookEditorRefusal(Integer.parseInt(parts[0]), parts[1]);
    assertEquals(503, refused.status());
    assertEquals("org_service_unavailable", refused.code());
  }

  /** What is neither an id nor a name is asked of no one; an answer that is no organization shows none. */
  @ParameterizedTest
  @ValueSource(strings = {".", "..", "%2e", "a/b", "ab", "", " "})
  void aReferenceThatIsNoIdNorNameNamesNoOrganization(String ref) {
    asked.set(null);
    var refused = assertThrows(ApiException.class,
        () -> access.organization(CALLER, ref, "target_not_found").await());
    assertEquals(404, refused.status());
    assertEquals("target_not_found", refused.code());
    assertEquals(null, asked.get(), "org-service was not asked");
  }

  /**
   * A read of org-service's that lost a race with another request (a deadlock) said to retry: it was answered 503
   * {@code org_service_unavailable}, as if org-service were down.
   */
  @Test
  void aReadThatLostARaceIsAnsweredAsOrgServiceAnsweredIt() {
    status.set(409);
    body.set("{\"code\": \"concurrent_update\", \"detail\": \"A concurrent change won; retry the request.\"}");
    var refused = assertThrows(ApiException.class,
        () -> access.organization(CALLER, TEMPLATE, "source_not_found").await());
    assertEquals(409, refused.status());
    assertEquals("concurrent_update", refused.code());
  }

  @Test
  void anAnswerWithoutAnIdIsNoOrganization() {
    status.set(200);
    body.set("{\"items\": [], \"nextCursor\": null}");
    var refused = assertThrows(ApiException.class,
        () -> access.organization(CALLER, "some-name", "source_not_found").await());
    assertEquals(404, refused.status());
    assertEquals("source_not_found", refused.code());
    body.set("{\"id\": \"" + TEMPLATE + "\", \"name\": \"some-name\"}");
    assertEquals(TEMPLATE, access.organization(CALLER, "some-name", "source_not_found").await()
        .getString("id"));
  }
}
