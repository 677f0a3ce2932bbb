package dev.orgplane.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An engine watched through a {@link CountingRelay}, beside the idle engine of an {@link EngineWithTemplate} whose
 * Vert.x and {@link TemplateFixture} it shares: what the tests of the engine's calls to org-service share. A test class
 * registers it in a static field ({@code @RegisterExtension}) rather than starting and closing it itself: it starts
 * before the class's {@code @BeforeAll} methods, closes after its {@code @AfterAll} ones, and after each test fails the
 * test for a hold of the relay whose future failed or that no request came for, which the relay, on its event loop,
 * can only note.
 */
public final class WatchedTemplate implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final JsonObject settings;
  // the template's own engine reaches org-service directly: it runs no job, so the relay sees every call of the jobs
  private final EngineWithTemplate direct;
  private EngineHarness engine;
  private CountingRelay relay;
  private WebClient web;

  /** An engine with {@code settings} on top of the harness's, and a template named {@code name} and a unique suffix. */
  public WatchedTemplate(JsonObject settings, String name) {
    this.settings = settings;
    this.direct = EngineWithTemplate.idle(name + "-" + unique());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    direct.beforeAll(context);
    relay = CountingRelay.start(direct.vertx(), direct.engine().org.port());
    engine = direct.engine().through(direct.vertx(), relay.port(), settings);
    web = WebClient.create(direct.vertx());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    relay.checkHolds();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    direct.afterAll(context);
  }

  /** A suffix that keeps the names a test makes apart from those of its other runs and tests. */
  public static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  /** The engine that reaches org-service through {@link #relay}. */
  public EngineHarness engine() {
    return engine;
  }

  public CountingRelay relay() {
    return relay;
  }

  public TemplateFixture template() {
    return direct.template();
  }

  /** The template's group admin's token, whom the tests act as. */
  public String token() {
    return direct.token();
  }

  /**
   * Renames what org-service's {@code path} names to {@code name} as the group admin, failing unless it answers 200:
   * without blocking, so that a {@link CountingRelay#holdOnce} can wait for it on the relay's event loop.
   */
  public Future<?> rename(String path, String name) {
    return web.patch(engine.org.port(), "127.0.0.1", path).bearerTokenAuthentication(token())
        .sendJsonObject(new JsonObject().put("name", name)).map(renamed -> {
          assertEquals(200, renamed.statusCode(), renamed.bodyAsString());
          return renamed;
        });
  }
}
