package dev.orgplane.engine.job;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TemplateRenamesRollout} with both objects on one page (the harness's pages hold 4). */
class TemplateRenamesOnOnePageTest extends TemplateRenamesRollout {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject(), "renames-one-page");

  @Override
  WatchedTemplate watched() {
    return watched;
  }
}
