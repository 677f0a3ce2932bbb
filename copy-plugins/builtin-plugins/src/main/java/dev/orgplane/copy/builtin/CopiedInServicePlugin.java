package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgObjectsPlugin;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/** A kind with nothing to remap before or after org-service copies each page itself. */
abstract class CopiedInServicePlugin extends OrgObjectsPlugin {

  /** How org-service refuses a name taken in the organization, of every kind it copies itself. */
  static final String NAME_TAKEN = "name_taken";

  CopiedInServicePlugin(String id, String path, Set<String> dependsOn, List<String> copiedFields) {
    super(id, path, dependsOn, copiedFields, NAME_TAKEN);
  }

  @Override
  public final Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return copyInService(context, from.cursor()).map(OrgApi.CopiedPage::result);
  }
}
