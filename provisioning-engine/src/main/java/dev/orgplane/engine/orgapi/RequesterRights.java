package dev.orgplane.engine.orgapi;

import dev.orgplane.copy.api.CopyFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.UUID;

/**
 * Whether whoever queued a job still holds the rights that queueing it took ({@link CallerAccess}), asked when a run
 * of it starts, a resumed one's too. A run acts with the engine's identity: it may create an organization in the
 * template's group owned by them, copy the template's members into it, rewrite the group's tenants and carry hook
 * secrets, so an admin whose rights were revoked while their job waited in the queue would still have all of that
 * done for them. One question to org-service, with the engine's token: what they may do in the template, where its
 * group's admins and the platform admins are exactly those it answers as administering it.
 */
public final class RequesterRights {

  /** The code of a job whose requester no longer administers its group when a run of it starts. */
  public static final String NOT_ADMIN = "requester_not_admin";
  /** Where org-service says an administrator's powers come from ({@code via}). */
  private static final Set<String> ADMINISTERING = Set.of("group_admin", "platform_admin");

  private RequesterRights() {
  }

  /**
   * Succeeds if {@code requester} administers template {@code templateId}'s group (or is a platform admin) and holds
   * what the job's {@code options} need ({@link CallerAccess#requireOptionRights}); else fails a {@link CopyFailure}
   * with {@value #NOT_ADMIN} or {@value CallerAccess#HOOK_SECRETS_FORBIDDEN}, which the job's error shows.
   */
  public static Future<Void> require(OrgApiClient api, String templateId, UUID requester, JsonObject options) {
    return api.permissionsOf(templateId, requester.toString()).map(theirs -> {
      if (!ADMINISTERING.contains(theirs.getString("via"))) {
        throw new CopyFailure(NOT_ADMIN, "The job's requester " + requester
            + " is no longer an admin of the template's organization group.", null);
      }
      if (CallerAccess.carriesHookSecrets(options)
          && !theirs.getJsonArray("permissions", new JsonArray()).contains(CallerAccess.HOOK_UPDATE)) {
        throw new CopyFailure(CallerAccess.HOOK_SECRETS_FORBIDDEN, "The job's requester " + requester
            + " may no longer edit the template's hooks (" + CallerAccess.HOOK_UPDATE + "), so their secrets stay.",
            null);
      }
      return null;
    });
  }
}
