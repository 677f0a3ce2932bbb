package dev.orgplane.org.provisioner;

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
    var header = ctx.request().getHeader(HEADER);
    if (!access.provisioner() || header == null || header.trim().length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(header.trim());
    } catch (IllegalArgumentException notAnId) {
      return null;
    }
  }
}
