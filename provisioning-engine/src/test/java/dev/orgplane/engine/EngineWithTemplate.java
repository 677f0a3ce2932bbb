package dev.orgplane.engine;

import dev.orgplane.copy.api.CopyPlugin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An engine with no worker (what it queues stays queued), on a Vert.x of its own, with a {@link TemplateFixture} on
 * its org-service: what the tests of queuing, refusing and cancelling share. A test class registers it in a static
 * field ({@code @RegisterExtension}), saying how its engine differs, as in
 * {@code EngineWithTemplate.idle("queued-template").relayed()}; it starts before the class's {@code @BeforeAll}
 * methods and closes after its {@code @AfterAll} ones. A test that wants its jobs run starts a {@link #worker()}.
 */
public final class EngineWithTemplate implements BeforeAllCallback, AfterAllCallback {

  private final String name;
  private final JsonObject settings = new JsonObject().put("ORGPLANE_ENGINE_WORKERS", "0");
  // apart from the other settings: a worker loads the same plugins, but runs jobs
  private final JsonObject plugins = new JsonObject();
  private boolean relayed;
  private Vertx vertx;
  private EngineHarness engine;
  private TemplateFixture template;

  private EngineWithTemplate(String name) {
    this.name = name;
  }

  /** An engine that runs no job, and a template named {@code name}. */
  public static EngineWithTemplate idle(String name) {
    return new EngineWithTemplate(name);
  }

  /** The engine reaches org-service through a {@link EngineHarness#relay} the test may cut. */
  public EngineWithTemplate relayed() {
    relayed = true;
    return this;
  }

  /** The engine, and its {@link #worker()}s, load {@code plugins} beside the built-ins. */
  @SafeVarargs
  public final EngineWithTemplate plugins(Class<? extends CopyPlugin>... plugins) {
    this.plugins.put("ORGPLANE_PLUGINS_DIR", PluginsDir.listing(plugins));
    return this;
  }

  /** The engine has {@code key} set to {@code value} on top of the harness's settings. */
  public EngineWithTemplate with(String key, String value) {
    settings.put(key, value);
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    vertx = Vertx.vertx();
    var config = settings.copy().mergeIn(plugins);
    engine = relayed ? EngineHarness.relayed(vertx, config) : EngineHarness.start(vertx, config);
    template = TemplateFixture.build(engine.org, name);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (engine.relay != null) {
      engine.relay.close();
    }
    vertx.close().await();
  }

  public Vertx vertx() {
    return vertx;
  }

  public EngineHarness engine() {
    return engine;
  }

  public TemplateFixture template() {
    return template;
  }

  /** The template's group admin's token, whom the tests act as. */
  public String token() {
    return template.groupAdmin().token();
  }

  /**
   * Another engine on this one's database and org-service (reached directly), with its plugins, that runs jobs as
   * the harness's engines do; {@link EngineHarness#undeploy} stops it.
   */
  public EngineHarness worker() {
    return worker(new JsonObject());
  }

  /** A {@link #worker()} with {@code settings} of its own on top. */
  public EngineHarness worker(JsonObject settings) {
    return engine.alongside(vertx, plugins.copy().mergeIn(settings));
  }
}
