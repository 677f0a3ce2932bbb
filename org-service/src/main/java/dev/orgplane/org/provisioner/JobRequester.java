package dev.orgplane.org.provisioner;

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

  /** The requester of the job the caller works for; {@code null} when the caller is no provisioner or names none. */
  public static UUID of(RoutingContext ctx, OrgAccess access) {
    var header = ctx.request().getHeader(HEADER);
    return access.provisioner() && header != null ? Ids.orNull(header.trim()) : null;
  }
}
