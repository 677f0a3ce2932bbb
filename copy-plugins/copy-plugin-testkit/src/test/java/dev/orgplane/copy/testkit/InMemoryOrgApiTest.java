package dev.orgplane.copy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The kit's org-service refuses and copies hooks as the service does: events required, secrets carried if asked. */
class InMemoryOrgApiTest {

  private static final String TEMPLATE = UUID.randomUUID().toString();
  private static final String TARGET = UUID.randomUUID().toString();

  private static JsonObject hook(String name, JsonArray events) {
    var hook = new JsonObject().put("id", UUID.randomUUID().toString()).put("name", name)
        .put("url", "https://hooks.example.com/" + name);
    return events == null ? hook : hook.put("events", events);
  }

  private static OrgApiException refusal(Future<?> answer) {
    assertTrue(answer.failed(), "refused");
    return assertThrows(OrgApiException.class, () -> {
      throw answer.cause();
    });
  }

  private static List<String> fields(OrgApiException refused) {
    return refused.errors().stream().map(e -> ((JsonObject) e).getString("field")).toList();
  }

  @Test
  void aHookSubscribedToNoEventIsRefusedOnceNothingIsMalformed() {
    var api = new InMemoryOrgApi();
    var subscribed = hook("subscribed", new JsonArray().add("queue.created"));
    var items = List.of(subscribed, hook("none", null), hook("empty", new JsonArray()));
    var noEvents = refusal(api.importBatch(TARGET, "hooks", items));
    assertEquals(422, noEvents.status());
    assertEquals("no_events", noEvents.code());
    assertEquals(List.of("items[1].events", "items[2].events"), fields(noEvents));
    assertTrue(api.objects(TARGET, "hooks").isEmpty(), "nothing was written");

    var malformed = refusal(api.importBatch(TARGET, "hooks", List.of(hook("none", null).put("colour", "red"))));
    assertEquals(400, malformed.status(), "malformed items are answered first, all at once");
    var one = refusal(api.put(TARGET, "hooks", UUID.randomUUID().toString(), hook("none", new JsonArray())));
    assertEquals("no_events", one.code());
    assertEquals(List.of("events"), fields(one));
    assertEquals(new Counts(1, 0, 0), api.importBatch(TARGET, "hooks", List.of(subscribed)).result());
  }

  @Test
  void copiedHooksHoldTheTemplatesSecretsOnlyWhenAskedAndKeepThem() {
    var api = new InMemoryOrgApi();
    var template = new TemplateWriter(api, TEMPLATE);
    var hookId = template.add("hooks", hook("ready", new JsonArray().add("provisioning.job.finished"))
        .put("secret", "template-secret"));
    template.add("workspaces", new JsonObject().put("name", "main"));
    var copyId = IdFunction.nameBasedIn(TARGET).apply(hookId);

    assertEquals(new Counts(1, 0, 0), copy(api, "hooks", false));
    assertNull(api.secret(TARGET, "hooks", copyId), "a new copy's secret is its own");
    assertEquals(new Counts(0, 1, 0), copy(api, "hooks", true), "carrying the secret changes the copy");
    assertEquals("template-secret", api.secret(TARGET, "hooks", copyId));
    assertEquals(new Counts(0, 0, 1), copy(api, "hooks", true));
    assertEquals(new Counts(0, 0, 1), copy(api, "hooks", false), "a copy without it keeps the secret it holds");
    assertEquals("template-secret", api.secret(TARGET, "hooks", copyId));
    assertNull(api.list(TARGET, "hooks", null, 10).result().items().get(0).getValue("secret"), "never listed");

    var notHooks = refusal(api.copyPage(TEMPLATE, TARGET, "workspaces", null, 10, true));
    assertEquals(400, notHooks.status());
    assertEquals(List.of("copySecrets"), fields(notHooks));
  }

  private static Counts copy(InMemoryOrgApi api, String path, boolean copySecrets) {
    return api.copyPage(TEMPLATE, TARGET, path, null, 10, copySecrets).result().result().counts();
  }
}
