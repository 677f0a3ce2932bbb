package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TemplateFixture;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A template queue's settings name an object a plugin earlier in the run order copies into another system: the
 * engine tells org-service, which copies the queues, of the copies on its record, so the copy names the object's
 * copy, as a plan expects: a plan after the copy finds nothing to change.
 */
class CopiesElsewhereTest {

  private static Vertx vertx;
  private static EngineHarness engine;
  private static TemplateFixture template;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx,
        new JsonObject().put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(Channels.class)));
    template = TemplateFixture.build(engine.org, "elsewhere-template");
    var patched = engine.org.send(HttpMethod.PATCH, "/v1/organizations/" + template.templateId() + "/queues/"
            + template.queueIds().get(1), template.groupAdmin().token(),
        new JsonObject().put("settings", new JsonObject().put("notifyChannel", Channels.CHANNEL)));
    assertEquals(200, patched.statusCode(), patched.bodyAsString());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void queuesNameTheCopiesOfObjectsCopiedElsewhereAndAPlanAfterChangesNothing() {
    var token = template.groupAdmin().token();
    var job = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("target", new JsonObject().put("name", "elsewhere-target")));
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    var target = job.getString("targetOrganization");
    var queue = engine.org.get("/v1/organizations/" + target + "/queues/"
        + IdFunction.nameBased(target, template.queueIds().get(1)), token);
    assertEquals(IdFunction.nameBased(target, Channels.CHANNEL),
        queue.bodyAsJsonObject().getJsonObject("settings").getString("notifyChannel"), queue.bodyAsString());

    var plan = engine.provision(token, new JsonObject().put("templateOrganization", template.templateId())
        .put("targetOrganization", target).put("dryRun", true));
    assertEquals("succeeded", plan.getString("status"), plan.encodePrettily());
    var queues = EngineHarness.step(plan, "queues");
    assertEquals(List.of(0L, 0L), List.of(queues.getLong("created"), queues.getLong("updated")), plan.encode());
  }

  /** Copies one object, {@link #CHANNEL}, into another system, ahead of every built-in plugin. */
  public static final class Channels extends TestJarPlugin {

    static final String CHANNEL = "5a5a5a5a-0000-4000-8000-00000000000a";

    public Channels() {
      super("channels");
    }

    @Override
    public int order() {
      return -1;
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return Future.succeededFuture(new PageResult(null, new Counts(1, 0, 0), List.of(CHANNEL)));
    }
  }
}
