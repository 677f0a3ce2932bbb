package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.PageResult;
import dev.orgplane.engine.EngineWithTemplate;
import dev.orgplane.engine.PluginsDir;
import dev.orgplane.engine.TestJarPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job queued by an engine whose plugins ran {@code walls} before {@code roofs}, run by one upgraded so that walls
 * depend on roofs: the steps keep their positions, the run follows the dependencies installed now.
 */
class UpgradedPluginOrderTest {

  @RegisterExtension
  static final EngineWithTemplate queuing = EngineWithTemplate.idle("upgraded-order-template")
      .plugins(Roofs.class, Walls.class);

  @Test
  void aJobQueuedBeforeAnUpgradeThatReversedTwoPluginsRunsInTheNewOrder() {
    var queued = queuing.engine().post("/v1/provisioning/jobs", queuing.token(), new JsonObject()
        .put("templateOrganization", queuing.template().templateId())
        .put("plugins", new JsonArray().add("roofs").add("walls"))
        .put("target", new JsonObject().put("name", "upgraded-order")));
    assertEquals(202, queued.statusCode(), queued.bodyAsString());
    assertEquals(List.of("walls", "roofs"), queued.bodyAsJsonObject().getJsonArray("steps").stream()
        .map(step -> ((JsonObject) step).getString("plugin")).toList(), "queued walls first");

    // roofs waits for the steps before it (walls, by position) to remap; walls waits for roofs, its dependency now:
    // the job waited on itself until roofs' page missed its deadline
    var upgraded = queuing.worker(new JsonObject().put("ORGPLANE_PLUGINS_DIR",
        PluginsDir.listing(Roofs.class, WallsOnRoofs.class)).put("ORGPLANE_ENGINE_PAGE_TIMEOUT_SECONDS", "5"));
    var job = queuing.engine().awaitEnd("/v1/provisioning/jobs/" + queued.bodyAsJsonObject().getString("id"),
        queuing.token());
    assertEquals("succeeded", job.getString("status"), job.encodePrettily());
    upgraded.undeploy(queuing.vertx());
  }

  /** One page, once every plugin ordered before it has finished, as a plugin remapping free-form ids waits. */
  public static final class Roofs extends TestJarPlugin {
    public Roofs() {
      super("roofs");
    }

    @Override
    public int order() {
      return 2;
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return context.ids().earlierPluginsDone().map(done -> new PageResult(null, new Counts(0, 0, 1), List.of()));
    }
  }

  /** One page at once, run before roofs by its order. */
  public static class Walls extends TestJarPlugin {
    public Walls() {
      super("walls");
    }

    @Override
    public int order() {
      return 1;
    }

    @Override
    public Future<PageResult> copy(CopyContext context, Checkpoint from) {
      return Future.succeededFuture(new PageResult(null, new Counts(0, 0, 1), List.of()));
    }
  }

  /** Walls as upgraded: they need the roofs copied first. */
  public static final class WallsOnRoofs extends Walls {
    @Override
    public Set<String> dependsOn() {
      return Set.of("roofs");
    }
  }
}
