package dev.orgplane.copy.builtin;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.Counts;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.List;

/**
 * A plugin ordered before every built-in one that copies the template's {@link #OBJECTS} into another system: it
 * writes nothing to org-service and names their template ids for the engine's record, as such a plugin does.
 */
final class ElsewherePlugin implements CopyPlugin {

  /** The template's objects in the other system, by their ids there. */
  static final List<String> OBJECTS = List.of("5a5a5a5a-0000-4000-8000-00000000000a",
      "5a5a5a5a-0000-4000-8000-00000000000b");

  @Override
  public String id() {
    return "channels";
  }

  @Override
  public int order() {
    return -1;
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    return Future.succeededFuture(new PageResult(null, Counts.ZERO, OBJECTS));
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    return Future.succeededFuture(new PageResult(null, new Counts(OBJECTS.size(), 0, 0), OBJECTS));
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    return Future.succeededFuture(new KindDiff(id(), List.of(), List.of(), List.of()));
  }
}
