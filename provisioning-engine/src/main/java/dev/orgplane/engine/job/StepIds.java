package dev.orgplane.engine.job;

import dev.orgplane.copy.api.IdFunction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Set;

/**
 * One step's view of a job's ids: its free-form data is remapped, and the copies made elsewhere are told, only
 * once the steps ordered before it have succeeded (see {@link StepSchedule#earlierSucceeded}); everything else is
 * the job's.
 */
final class StepIds implements IdFunction {

  private final IdFunction job;
  private final Future<Void> earlierSucceeded;

  StepIds(IdFunction job, Future<Void> earlierSucceeded) {
    this.job = job;
    this.earlierSucceeded = earlierSucceeded;
  }

  @Override
  public String copyOf(String sourceId) {
    return job.copyOf(sourceId);
  }

  @Override
  public Future<JsonObject> remapEmbedded(JsonObject freeForm) {
    return earlierSucceeded.compose(v -> job.remapEmbedded(freeForm));
  }

  @Override
  public Future<Void> earlierPluginsDone() {
    return earlierSucceeded;
  }

  @Override
  public Future<Set<String>> copiedAlready(Collection<String> copyIds) {
    return job.copiedAlready(copyIds);
  }

  @Override
  public Future<Set<String>> copiedElsewhere() {
    return earlierSucceeded.compose(v -> job.copiedElsewhere());
  }
}
