package dev.orgplane.engine.job;

import dev.orgplane.engine.WatchedTemplate;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TemplateRenamesRollout} a page per object: the copy holding the name a page takes is renamed by a later page,
 * so the earlier one moves it out of the way (pages org-service copies itself, of setup objects, hold one too).
 */
class TemplateRenamesAcrossPagesTest extends TemplateRenamesRollout {

  @RegisterExtension
  static final WatchedTemplate watched = new WatchedTemplate(new JsonObject().put("ORGPLANE_ENGINE_PAGE_SIZE", "1")
      .put("ORGPLANE_ENGINE_COPY_PAGE_SIZE", "1"),
      "renames-across-pages");

  @Override
  WatchedTemplate watched() {
    return watched;
  }
}
