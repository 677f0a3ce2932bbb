package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApi;
import dev.orgplane.copy.api.OrgApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Invites the owner a job names into the organization it copied the template into, with the {@code owner} role,
 * once every plugin has succeeded: the invitee finds a complete tenant. Done means the address holds a pending
 * invitation as owner or is a member: org-service is asked every time, not the job's record, so a run resumed
 * after a crash between the invitation and the job's end, and a later job into the same tenant, invite nobody
 * twice (inviting again would replace the invitation and mail it anew). The invitation is org-service's, made
 * with the engine's identity; the requester stays an owner, as the organization would have none until the
 * invitee accepts. One is made for each run's invitation and asked again when a try fails: an owner invitation found
 * after this one sent its own is that invitation, whose answer was lost, and counts {@code invited}, not
 * {@code already_invited} (a batch counted owners it invited as invited before).
 */
final class OwnerInvitation {

  static final String INVITED = "invited";
  static final String ALREADY_INVITED = "already_invited";
  static final String ALREADY_MEMBER = "already_member";
  /**
   * A dry run's: the address would be invited. Into a new organization, which has no one yet; into an existing one
   * (a tenant the template made, which the run would adopt), because it holds no owner invitation of the address
   * there and is no member's (until session 33 a member's address, which the real run finds once org-service refuses
   * to invite it, was planned too).
   */
  static final String PLANNED = "planned";
  private static final String OWNER = "owner";

  private final OrgApi api;
  /** Whether a try of this run has sent the invitation (its answer may have been lost). */
  private boolean sent;

  OwnerInvitation(OrgApi api) {
    this.api = api;
  }

  /**
   * Invites the job's owner into {@code targetOrg}, the organization it made, or finds that done; a dry run asks the
   * same of the organization it plans against, if any, and invites no one.
   */
  Future<String> settle(Job job, UUID targetOrg) {
    if (targetOrg == null) {
      return Future.succeededFuture(PLANNED);
    }
    var email = job.ownerEmail();
    var organization = targetOrg.toString();
    // one request whatever the organization has pending: org-service finds the address's one invitation
    return api.list(organization, ofAddress("invitations", email), null, 1).compose(pending -> {
      if (pending.items().stream()
          .anyMatch(invitation -> invitation.getJsonArray("roles", new JsonArray()).contains(OWNER))) {
        return Future.succeededFuture(sent ? INVITED : ALREADY_INVITED);
      }
      if (job.dryRun()) {
        // what org-service's refusal would tell the real run, asked of the one member of the address
        return api.list(organization, ofAddress("users", email), null, 1)
            .map(member -> member.items().isEmpty() ? PLANNED : ALREADY_MEMBER);
      }
      sent = true;
      return api.post(organization, "invitations", new JsonObject().put("email", email)
              .put("roles", new JsonArray().add(OWNER)))
          .map(INVITED);
    }).recover(failure -> failure instanceof OrgApiException refused && !refused.retryable()
        ? refused(email, refused) : Future.failedFuture(failure));
  }

  /** The list at {@code path} filtered to the entry of {@code email}. */
  private static String ofAddress(String path, String email) {
    return path + "?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
  }

  /**
   * A member's address is done; any other refusal, of the question or of the invitation (an address org-service takes
   * for none, say), fails the job, naming the owner (a passing failure is retried).
   */
  private static Future<String> refused(String email, OrgApiException refused) {
    return "already_member".equals(refused.code()) ? Future.succeededFuture(ALREADY_MEMBER)
        : Future.failedFuture(new CopyFailure("owner_not_invited",
            "Inviting the owner " + email + " failed: " + refused.getMessage(), null));
  }
}
