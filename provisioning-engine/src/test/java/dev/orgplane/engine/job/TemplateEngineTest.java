package dev.orgplane.engine.job;

import dev.orgplane.engine.EngineHarness;
import dev.orgplane.engine.TemplateFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;

/**
 * A test class of one engine (with an org-service and a database of its own) and one template fixture, made
 * before its tests by its {@code @BeforeAll} through {@link #startEngine} and closed after them.
 */
abstract class TemplateEngineTest {

  static Vertx vertx;
  static EngineHarness engine;
  static TemplateFixture template;

  /** Starts the engine with {@code config} over its defaults and builds the template in group {@code group}. */
  static void startEngine(JsonObject config, String group) {
    vertx = Vertx.vertx();
    engine = EngineHarness.start(vertx, config);
    template = TemplateFixture.build(engine.org, group);
  }

  @AfterAll
  static void stopEngine() {
    vertx.close().await();
  }

  /** The template's group admin's token. */
  static String token() {
    return template.groupAdmin().token();
  }
}
