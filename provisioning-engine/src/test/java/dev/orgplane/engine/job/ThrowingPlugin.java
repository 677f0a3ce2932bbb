package dev.orgplane.engine.job;

import dev.orgplane.copy.api.Checkpoint;
import dev.orgplane.copy.api.CopyContext;
import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.CopyPlugin;
import dev.orgplane.copy.api.KindDiff;
import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import java.util.Set;

/** A plugin run after roles that throws its refusal instead of failing the future, as the guide allows. */
public final class ThrowingPlugin implements CopyPlugin {

  static final String CODE = "template_unfit";

  @Override
  public String id() {
    return "throwing";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("roles");
  }

  @Override
  public Future<PageResult> plan(CopyContext context, Checkpoint from) {
    throw refusal();
  }

  @Override
  public Future<PageResult> copy(CopyContext context, Checkpoint from) {
    throw refusal();
  }

  @Override
  public Future<KindDiff> diff(CopyContext context) {
    throw refusal();
  }

  private static CopyFailure refusal() {
    return new CopyFailure(CODE, "This template cannot be copied.", null);
  }
}
