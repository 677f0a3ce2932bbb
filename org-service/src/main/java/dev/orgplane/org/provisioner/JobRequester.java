package dev.orgplane.org.provisioner;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.org.access.OrgAccess;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Who queued the provisioning job a call of the engine's is made for, which the engine names on every call of a run
 * ({@value #HEADER}), honoured from the provisioner alone: the engine's identity may give anyone any roles, so what a
 * requester could not give themself (a group admin's own membership, {@code SelfGrants}) the engine does not give them
 * either. From anyone else the header is ignored: they act as themselves.
 */
public final class JobRequester {

  public static final String HEADER = "Orgplane-Requester-Id";

  private JobRequester() {
  }

  /**
   * The requester of the job the caller works for; {@code null} when the caller is no provisioner or names none. A
   * provisioner's header that names no id is refused (400 {@code invalid_requester}): read as naming none, it lifted
   * every rule held to the requester (until session 42).
   */
  public static UUID of(RoutingContext ctx, OrgAccess access) {
    var header = ctx.request().getHeader(HEADER);
    if (!access.provisioner() || header == null) {
      return null;
    }
    var requester = Ids.orNull(header.trim());
    if (requester == null) {
      throw ApiException.badRequest("invalid_requester", HEADER + " must be the id (a UUID) of the job's requester.");
    }
    return requester;
  }
}
