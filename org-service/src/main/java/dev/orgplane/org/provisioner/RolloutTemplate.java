package dev.orgplane.org.provisioner;

import dev.orgplane.kit.http.Ids;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The template a provisioning run copies, which the engine names on a job's calls ({@value #HEADER}), honoured from
 * the provisioner alone: the objects a run writes are copies of that template's, and only copies of its objects are
 * the run's to move out of the way of a name ({@link WantedNames}). The organization's {@code provisionedFrom} is no
 * substitute: it names the template that made it, and a job may copy another one into it, or copy into an
 * organization no template made.
 */
public final class RolloutTemplate {

  public static final String HEADER = "Orgplane-Template-Id";

  private RolloutTemplate() {
  }

  /** The template the request's run copies; {@code null} when the caller is no provisioner or names none. */
  public static UUID of(RoutingContext ctx, OrgAccess access) {
    return access.provisioner() ? named(ctx.request().getHeader(HEADER)) : null;
  }

  /**
   * The template {@code header} names: none unless it is a UUID as written; {@link UUID#fromString} also reads
   * {@code +0000000-...} or a part longer than its place as some template's id.
   */
  static UUID named(String header) {
    return header == null ? null : Ids.orNull(header.trim());
  }
}
