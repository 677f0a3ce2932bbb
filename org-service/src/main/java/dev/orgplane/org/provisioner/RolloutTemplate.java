package dev.orgplane.org.provisioner;

import dev.orgplane.kit.http.ApiException;
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

  /**
   * {@code source}, which a copy into {@code target} reads, once the caller may copy it there. A run copies its
   * template into an organization of the template's group, so the provisioner, which reads every organization (hook
   * secrets included), is refused a source of another group (422 {@code group_mismatch}) or other than the template
   * the request names (422 {@code template_mismatch}): else a plugin's call that the engine let through copied any
   * tenant into another. Anyone else copies what they may read.
   */
  public static OrgAccess copySource(RoutingContext ctx, OrgAccess target, OrgAccess source) {
    if (!target.provisioner()) {
      return source;
    }
    if (!source.organization().groupId().equals(target.organization().groupId())) {
      throw ApiException.unprocessable("group_mismatch",
          "The provisioner copies into organizations of the source's group only; this one is of another group.");
    }
    var template = of(ctx, target);
    if (template != null && !template.equals(source.orgId())) {
      throw ApiException.unprocessable("template_mismatch",
          "The provisioner copies from the template its run names (" + HEADER + ") only.");
    }
    return source;
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
