package dev.orgplane.engine.orgapi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a run makes of org-service's answer about its requester, from a stand-in that answers what a test says: only
 * its group's admins and platform admins run it, and a job carrying hook secrets only for one who may edit the
 * template's hooks.
 */
class RequesterRightsAnswersTest {

  private static final String TEMPLATE = UUID.randomUUID().toString();
  private static final UUID REQUESTER = UUID.randomUUID();
  private static final JsonObject HOOK_SECRETS = new JsonObject().put(CopyContext.COPY_HOOK_SECRETS, true);
  private static Vertx vertx;
  private static OrgApiClient api;
  private static final AtomicReference<JsonObject> answer = new AtomicReference<>();
  private static final AtomicReference<String> asked = new AtomicReference<>();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    api = StandInOrgService.clientOf(vertx, request -> {
      asked.set(request.method() + " " + request.path());
      var body = answer.get();
      request.response().setStatusCode(body.containsKey("code") ? 404 : 200)
          .putHeader("Content-Type", "application/json").end(body.encode());
    });
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static void answering(String via, String... permissions) {
    answer.set(new JsonObject().put("organizationId", TEMPLATE).put("roles", new JsonArray())
        .put("permissions", new JsonArray(List.of(permissions))).put("via", via));
  }

  private static CopyFailure refusal(JsonObject options) {
    return assertThrows(CopyFailure.class, () -> RequesterRights.require(api, TEMPLATE, REQUESTER, options).await());
  }

  @ParameterizedTest
  @ValueSource(strings = {"group_admin", "platform_admin"})
  void anAdministratorStillRunsTheirJob(String via) {
    answering(via, CallerAccess.HOOK_UPDATE);
    assertDoesNotThrow(() -> RequesterRights.require(api, TEMPLATE, REQUESTER, HOOK_SECRETS).await());
    assertEquals("GET /v1/organizations/" + TEMPLATE + "/permissions/" + REQUESTER, asked.get());
  }

  @ParameterizedTest
  @ValueSource(strings = {"member", "none"})
  void anyoneElseIsNoLongerAnAdmin(String via) {
    answering(via, CallerAccess.HOOK_UPDATE);
    assertEquals(RequesterRights.NOT_ADMIN, refusal(new JsonObject()).code());
  }

  @Test
  void hookSecretsTravelOnlyForOneWhoMayStillEditTheTemplatesHooks() {
    answering("group_admin", "app_hook_get");
    assertEquals("copy_hook_secrets_forbidden", refusal(HOOK_SECRETS).code());
    assertDoesNotThrow(() -> RequesterRights.require(api, TEMPLATE, REQUESTER, new JsonObject()).await());
  }

  @Test
  void aTemplateGoneFailsAsOrgServiceSaid() {
    answer.set(new JsonObject().put("code", "organization_not_found"));
    var failed = assertThrows(OrgApiException.class,
        () -> RequesterRights.require(api, TEMPLATE, REQUESTER, new JsonObject()).await());
    assertEquals("organization_not_found", failed.code());
  }
}
