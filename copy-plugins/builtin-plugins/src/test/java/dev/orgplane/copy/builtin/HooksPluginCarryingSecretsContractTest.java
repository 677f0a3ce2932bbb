package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.CopyContext;
import io.vertx.core.json.JsonObject;

/**
 * The hooks plugin's contract with option {@code copyHookSecrets}: every copy holds its template hook's secret, and
 * everything else holds as without it (a re-run and a plan change nothing, a resumed copy is the same, the diff,
 * which never sees a secret, finds no drift).
 */
class HooksPluginCarryingSecretsContractTest extends HooksPluginContractTest {

  @Override
  protected JsonObject options() {
    return new JsonObject().put(CopyContext.COPY_HOOK_SECRETS, true);
  }

  @Override
  protected boolean copiesSecrets() {
    return true;
  }
}
