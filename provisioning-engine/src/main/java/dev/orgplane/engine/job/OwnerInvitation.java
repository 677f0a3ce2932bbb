package dev.orgplane.engine.job;

import dev.orgplane.copy.api.CopyFailure;
import dev.orgplane.copy.api.OrgApiException;
import dev.orgplane.engine.orgapi.OrgApiClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>An address that is a member's already (a template member the members plugin copied in, say) is made owner
 * instead: {@code owner} is added to the roles they hold ({@code made_owner}), through the members API, so that
 * org-service holds the change to its rules as it holds the invitation (the requester gives themself no ownership of a
 * tenant they do not own). Until session 44 such a member was left as they were and counted {@code already_member}:
 * the person the job named owner never became owner. A member who holds {@code owner} already is
 * {@code already_member}, and no role is written. A member who holds a pending owner invitation too is made owner all
 * the same (until session 45 it was {@code already_invited}, and never owner), and the invitation, moot, withdrawn
 * as an admin withdraws one (until session 46 it stayed pending, telling the admins an owner was still to come), as
 * is one an owner already holds (until session 47 it stayed pending). A refused withdrawal leaves it pending, the
 * owner settled all the same, and is logged as a warning: until session 47 it failed the job, though the owner was
 * made, and the retry, finding them owner, left the invitation. One who leaves while they are made owner is invited
 * instead, the owner settled again from the start (it failed the job).
 */
final class OwnerInvitation {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerInvitation.class);

  static final String INVITED = "invited";
  static final String ALREADY_INVITED = "already_invited";
  static final String ALREADY_MEMBER = "already_member";
  static final String MADE_OWNER = "made_owner";
  /**
   * A dry run's: the address would be invited. Into a new organization, which has no one yet; into an existing one
   * (a tenant the template made, which the run would adopt), because it holds no owner invitation of the address
   * there and is no member's (until session 33 a member's address, which the real run finds once org-service refuses
   * to invite it, was planned too).
   */
  static final String PLANNED = "planned";
  private static final String OWNER = "owner";
  /**
   * How often a member is read and made owner before the run gives up: each time another change of theirs came
   * between the read and the change (412), which is read anew rather than undone.
   */
  private static final int OWNER_CHANGES = 3;
  /**
   * How often a run settles the owner from the start before it gives up: each time the member it was making owner
   * left meanwhile (404 {@code member_not_found}), after which the address is theirs to invite.
   */
  private static final int SETTLES = 3;

  private final OrgApiClient api;
  /** The members org-service makes none of the target for the job ({@code WithheldMembers}): its requester, or none. */
  private final Set<String> withheld;
  /** Whether a try of this run has sent the invitation (its answer may have been lost). */
  private boolean sent;
  /**
   * Whether a try of this run has made a member owner, or sent the change that does (its answer may have been lost):
   * the next try finds them owner and withdraws the invitation the one before may have failed to.
   */
  private boolean promoted;

  OwnerInvitation(OrgApiClient api, Set<String> withheld) {
    this.api = api;
    this.withheld = Set.copyOf(withheld);
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
    return settle(job, targetOrg.toString(), SETTLES)
        .recover(failure -> failure instanceof OrgApiException refused && !refused.retryable()
            ? refused(email, refused) : Future.failedFuture(failure));
  }

  /**
   * One settling, {@code settles} of them left. A pending owner invitation settles nothing alone: a member may hold
   * one (an inviter who may not list the members made it, and was not told), and is made owner as any member is, the
   * invitation withdrawn. The members are asked only then, or in a dry run: the common case, a new organization, holds
   * neither, and is settled by the question of invitations and the invitation, two requests.
   */
  private Future<String> settle(Job job, String organization, int settles) {
    var email = job.ownerEmail();
    // one request whatever the organization has pending: org-service finds the address's one invitation
    return api.list(organization, ofAddress("invitations", email), null, 1).compose(pending -> {
      var invitation = pending.items().stream()
          .filter(found -> found.getJsonArray("roles", new JsonArray()).contains(OWNER)).findFirst();
      if (invitation.isPresent() || job.dryRun()) {
        return memberOf(organization, email).compose(member -> member.isPresent()
            ? owner(job, organization, member.get(), settles)
                .compose(outcome -> withdrawnIfMoot(job, organization, invitation, outcome))
            : invitation.isPresent() ? Future.succeededFuture(sent ? INVITED : ALREADY_INVITED) : planned(job));
      }
      sent = true;
      return api.post(organization, "invitations", new JsonObject().put("email", email)
              .put("roles", new JsonArray().add(OWNER)))
          .map(INVITED)
          .recover(failure -> failure instanceof OrgApiException refused && "already_member".equals(refused.code())
              ? memberOf(organization, email).compose(member -> member.isEmpty() ? again(job, organization, settles)
                  : owner(job, organization, member.get(), settles))
              : Future.failedFuture(failure));
    });
  }

  /**
   * What a dry run says of an address that holds no owner invitation and is no member's: {@code planned}, unless it is
   * the job's requester's where org-service withholds ownership from them ({@code withheld}), whose invitation the
   * real run is refused ({@code self_grant_refused}) and fails for. Until session 46 that was {@code planned} too, the
   * job knowing no address of its requester's.
   */
  private Future<String> planned(Job job) {
    return job.ownerIsRequester() && withheld.contains(job.queuedBy().toString())
        ? Future.failedFuture(new CopyFailure("owner_not_invited", "Inviting the owner " + job.ownerEmail()
            + " would fail: they are the job's requester, whom org-service invites into no organization they do not "
            + "own (self_grant_refused). Ask its owner or a platform admin.", null))
        : Future.succeededFuture(PLANNED);
  }

  /**
   * Makes {@code member}, the owner's, owner; a dry run says what the real run would find: an owner already, one to
   * make owner, or the job's requester, whom org-service makes owner of no organization they do not own
   * ({@code self_grant_refused}, as {@code withheld} says) and the real run fails for.
   */
  private Future<String> owner(Job job, String organization, JsonObject member, int settles) {
    if (!job.dryRun()) {
      return makeOwner(job, organization, member.getString("userId"), OWNER_CHANGES, settles);
    }
    if (holdsOwner(member)) {
      return Future.succeededFuture(ALREADY_MEMBER);
    }
    return withheld.contains(member.getString("userId"))
        ? Future.failedFuture(new CopyFailure("owner_not_invited", "Making the owner " + job.ownerEmail()
            + " owner would fail: they are the job's requester, whom org-service makes owner of no organization they "
            + "do not own (self_grant_refused). Ask its owner or a platform admin.", null))
        : Future.succeededFuture(MADE_OWNER);
  }

  /**
   * Makes the member {@code userId} owner, keeping the roles they hold, unless they are one: the change names the
   * version of them it was made from, and one refused because they changed meanwhile reads them again,
   * {@code changes} times at most. One who left meanwhile is settled again from the start, which invites them.
   */
  private Future<String> makeOwner(Job job, String organization, String userId, int changes, int settles) {
    return api.member(organization, userId)
        .compose(read -> {
          if (holdsOwner(read.member())) {
            return Future.succeededFuture(promoted ? MADE_OWNER : ALREADY_MEMBER);
          }
          var roles = new ArrayList<String>();
          read.member().getJsonArray("roles", new JsonArray()).forEach(role -> roles.add((String) role));
          roles.add(OWNER);
          return api.setRoles(organization, userId, roles, read.tag())
              .map(changed -> {
                promoted = true;
                return MADE_OWNER;
              })
              .recover(failure -> {
                if (failure instanceof OrgApiException refused && !refused.retryable()) {
                  return refused.status() == 412 && changes > 1
                      ? makeOwner(job, organization, userId, changes - 1, settles) : Future.failedFuture(failure);
                }
                // no answer, or a passing failure: the change may have been made, which the next try finds as this
                // run's (a 412 is not: someone else's change made them owner, which is already_member)
                promoted = true;
                return Future.failedFuture(failure);
              });
        })
        .recover(failure -> failure instanceof OrgApiException refused && "member_not_found".equals(refused.code())
            ? again(job, organization, settles) : Future.failedFuture(failure));
  }

  /**
   * {@code outcome}, once the owner invitation an owner member (made owner, or one already) holds, if any, is
   * withdrawn: a member accepts no invitation (409 {@code already_member}), and a pending one told the admins an owner
   * was still to come. A dry run withdraws nothing; one withdrawn meanwhile (404), by a try whose answer was lost, say,
   * is withdrawn. A refusal leaves it pending, a warning: the owner is settled, which a failed job would deny.
   */
  private Future<String> withdrawnIfMoot(Job job, String organization, Optional<JsonObject> invitation,
      String outcome) {
    if (job.dryRun() || invitation.isEmpty() || !MADE_OWNER.equals(outcome) && !ALREADY_MEMBER.equals(outcome)) {
      return Future.succeededFuture(outcome);
    }
    var id = invitation.get().getString("id");
    return api.withdrawInvitation(organization, id)
        .recover(failure -> {
          if (!(failure instanceof OrgApiException refused) || refused.retryable()) {
            return Future.failedFuture(failure);
          }
          if (!"invitation_not_found".equals(refused.code())) {
            LOG.warn("job {}: the owner {} of {} is owner ({}), but withdrawing their moot owner invitation {} was "
                + "refused, so it stays pending: {}", job.id(), job.ownerEmail(), organization, outcome, id,
                refused.getMessage());
          }
          return Future.succeededFuture();
        })
        .map(outcome);
  }

  /** Settles the owner again, the member found having left meanwhile, unless {@code settles} are spent. */
  private Future<String> again(Job job, String organization, int settles) {
    return settles > 1 ? settle(job, organization, settles - 1)
        : Future.failedFuture(new CopyFailure("owner_not_invited", "The owner " + job.ownerEmail() + " left the "
            + "organization each time after it answered that they were a member: retry the job to invite them.",
            null));
  }

  /** The one member of {@code email} in {@code organization}, if there is one: one request, found by address. */
  private Future<Optional<JsonObject>> memberOf(String organization, String email) {
    return api.list(organization, ofAddress("users", email), null, 1)
        .map(found -> found.items().stream().findFirst());
  }

  private static boolean holdsOwner(JsonObject member) {
    return member.getJsonArray("roles", new JsonArray()).contains(OWNER);
  }

  /** The list at {@code path} filtered to the entry of {@code email}. */
  private static String ofAddress(String path, String email) {
    return path + "?email=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
  }

  /**
   * A refusal, of the question, of the invitation (an address org-service takes for none, say) or of the change that
   * makes a member owner (a requester's own ownership of a tenant they do not own), fails the job, naming the owner (a
   * passing failure is retried).
   */
  private static Future<String> refused(String email, OrgApiException refused) {
    return Future.failedFuture(new CopyFailure("owner_not_invited",
        "Inviting the owner " + email + " failed: " + refused.getMessage(), null));
  }
}
