package dev.orgplane.org.invitation;

import dev.orgplane.kit.auth.BearerAuth;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.EmailFilter;
import dev.orgplane.kit.http.EntityTags;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.kit.http.ImportBatch;
import dev.orgplane.kit.http.PageRequest;
import dev.orgplane.kit.http.QueryParameters;
import dev.orgplane.kit.http.RefusedValues;
import dev.orgplane.kit.http.Replies;
import dev.orgplane.kit.http.Reply;
import dev.orgplane.kit.http.RequestBody;
import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.audit.AuditLog;
import dev.orgplane.org.mail.MailOutbox;
import dev.orgplane.org.membership.MemberEvents;
import dev.orgplane.org.membership.MembershipRepository;
import dev.orgplane.org.membership.SelfGrants;
import dev.orgplane.org.organization.OrganizationPaths;
import dev.orgplane.org.provisioner.JobRequester;
import dev.orgplane.org.role.PermissionCatalog;
import dev.orgplane.org.role.RoleGrants;
import dev.orgplane.org.team.Teams;
import dev.orgplane.org.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Invitations: an organization invites an email address with roles and teams; the person with
 * that (verified) email accepts or declines, now or after registering. Accepting makes them a
 * member, puts them in the teams and removes the invitation, in one transaction.
 */
public final class InvitationRoutes {

  /** The invitation list's filter by address. */

  static final String TTL_SETTING = "ORGPLANE_INVITATION_TTL_SECONDS";
  /** The shortest lifetime of an invitation: a minute, time enough to be read. */
  static final long SHORTEST_TTL_SECONDS = 60;
  /** The longest: a year, far within what a timestamp holds. */
  static final long LONGEST_TTL_SECONDS = 31_536_000;

  private final Pool pool;
  private final long ttlSeconds;
  private final String publicUrl;

  public InvitationRoutes(Pool pool, long ttlSeconds, String publicUrl) {
    this.pool = pool;
    this.ttlSeconds = ttlSeconds;
    this.publicUrl = publicUrl;
  }

  /**
   * {@value #TTL_SETTING}, a minute to a year, else the start stops naming it: 0 or less made invitations that had
   * expired when made and had the purge, which waits as long again past expiry, delete pending ones; a lifetime past
   * what a timestamp holds failed every invitation with 500.
   */
  public static long ttlSeconds(Settings settings) {
    return settings.longValue(TTL_SETTING, SHORTEST_TTL_SECONDS, LONGEST_TTL_SECONDS);
  }

  public void mount(Router router) {
    QueryParameters.list(EmailFilter.PARAMETER).on(router.get("/v1/organizations/:org/invitations"))
        .handler(this::list);
    QueryParameters.NONE.on(router.post("/v1/organizations/:org/invitations")).handler(this::invite);
    QueryParameters.NONE.on(router.get("/v1/organizations/:org/invitations/:iid")).handler(this::get);
    QueryParameters.NONE.on(router.delete("/v1/organizations/:org/invitations/:iid")).handler(this::delete);
    QueryParameters.PAGING.on(router.get("/v1/users/me/invitations")).handler(this::mine);
    QueryParameters.NONE.on(router.get("/v1/invitations/:iid")).handler(this::getOwn);
    QueryParameters.NONE.on(router.post("/v1/invitations/:iid/accept")).handler(this::accept);
    QueryParameters.NONE.on(router.post("/v1/invitations/:iid/decline")).handler(this::decline);
  }

  /** With {@code ?email=}, only the pending invitation of that address (matched without case), if there is one. */
  private void list(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    var email = EmailFilter.read(ctx);
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.INVITATION_LIST)
        .compose(access -> InvitationRepository.pendingOf(pool, access.orgId(), email, after, page.fetchSize()))
        .onSuccess(items -> ctx.json(page(page, items)))
        .onFailure(ctx::fail);
  }

  /**
   * Inviting an address again replaces its pending invitation, so the caller must be able to grant the roles it
   * replaces too. Invitations of an organization are written under its row lock: two at once for one address would
   * otherwise each find nothing to replace, and the later overwrite the earlier unchecked. Each mails its address, in
   * the organization's name, to someone who may not know it: only a person who has shown they read their own mail
   * invites, and {@link InvitationMails} bounds how many go.
   */
  private void invite(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var body = RequestBody.of(ctx, Set.of("email", "roles", "groupIds"));
    var email = body.email("email", true);
    var roles = body.stringList("roles", false, ImportBatch.MAX);
    var groupIds = body.stringList("groupIds", false, ImportBatch.MAX);
    body.validate();
    var granted = roles.isEmpty() ? List.of("member") : roles;
    var teams = Ids.uuids(groupIds, "groupIds");
    pool.withTransaction(tx -> AccessPolicy.require(tx, principal, ctx.pathParam("org"), PermissionCatalog.INVITATION_CREATE,
                true)
            .compose(access -> {
              var requester = JobRequester.of(ctx, access);
              return requireVerifiedInviter(tx, access)
                  .compose(v -> SelfGrants.refuseRequesterInvited(tx, access, requester, email))
                  .compose(v -> requireInvitable(tx, access, email, granted, teams))
                  .compose(member -> InvitationRepository.upsert(tx, access.orgId(), email, granted, teams,
                          AccessPolicy.userId(principal), requester, ttlSeconds)
                      .compose(invitation -> mail(ctx, tx, access, email, invitation, member)
                          .compose(mailed -> AuditLog.record(tx, ctx, access.orgId(), principal.subject(),
                              "invitation.created", "invitation:" + invitation.getString("id"),
                              created(email, mailed, invitation, requester)))
                          .compose(v -> Replies.keep(tx, ctx, Reply.created(
                              OrganizationPaths.of(access.orgId(), "invitations", invitation.getString("id")),
                              invitation)))));
            }))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The details of {@code invitation.created}: the address, whether it was mailed, what the invitation grants and, for
   * one the engine made for a job, the job's {@code requestedBy}, whom accepting it is refused ({@link InviterReach}):
   * the trail otherwise told an owner invitation a job made for its requester from any other.
   */
  private static JsonObject created(String email, boolean mailed, JsonObject invitation, UUID requester) {
    var details = new JsonObject().put("email", email).put("mailed", mailed)
        .put("roles", invitation.getJsonArray("roles")).put("groupIds", invitation.getJsonArray("groupIds"));
    return requester == null ? details : details.put("requestedBy", requester.toString());
  }

  /** A person invites once their address is verified (403 {@code email_not_verified}); service users and the engine do. */
  private static Future<Void> requireVerifiedInviter(SqlConnection tx, OrgAccess access) {
    return UserRepository.isUnverifiedPerson(tx, access.userId()).compose(unverified -> unverified
        ? Future.failedFuture(ApiException.forbidden("email_not_verified", "Verify your email address before inviting "
            + "anyone: invitations are mailed in your organization's name (the token was mailed at registration; "
            + "POST /v1/users/me/email-verifications mails another)."))
        : Future.succeededFuture());
  }

  /**
   * Mails the invitation, and answers whether it did: not when the organization mailed the address less than an hour
   * ago (the invitation is made anew all the same; its invitee finds it among theirs), nor past the organization's
   * mails for the hour (429 {@code invitation_mail_limit}, nothing written). A member's address is not mailed, but
   * counted and limited as if it were: a caller who may not list the members otherwise told them from the others by
   * the limit, which only a stranger's address met (until session 31).
   */
  private Future<Boolean> mail(RoutingContext ctx, SqlConnection tx, OrgAccess access, String email,
      JsonObject invitation, boolean member) {
    // one line in the body as in the subject: a title stored before session 31 may hold line breaks, and the body is
    // logged as it is when no SMTP server is configured
    var title = MailOutbox.oneLine(access.organization().title());
    var id = invitation.getString("id");
    return InvitationMails.mailedWithinTheHour(tx, access.orgId(), email)
        .compose(mailed -> mailed ? Future.succeededFuture(false) : InvitationMails.take(ctx, tx, access.orgId(), email)
            .compose(v -> member ? Future.succeededFuture(false) : MailOutbox.enqueueInvitation(tx, access.orgId(),
                UUID.fromString(id), email, "You are invited to " + title, "You have been invited to join " + title
                + " on Orgplane. Sign in (or register) with this email at " + publicUrl + ", verify the address if you "
                + "have not yet (registering mails you a token), and accept invitation " + id + ".").map(true)));
  }

  /**
   * Refuses an invitation granting roles beyond the caller's, replacing one that does, naming teams or replacing one
   * that names teams without the right to change their members ({@link PermissionCatalog#TEAM_MANAGE}: accepting puts
   * the invitee in them, and is not asked about the inviter's rights; until session 35 anyone who could invite took
   * another admin's invitation's teams away by inviting its address again without them), addressed to a member (it
   * would grant nothing) or naming teams the organization does not have; answers whether the address is a member's
   * all the same. Only a caller who may list the members hears that it is (409 {@code already_member}): to anyone
   * else that answer told who is a member, so they are answered as for any address, and the invitation is made as
   * asked, to list, withdraw or decline (accepting it is 409 {@code already_member}), but not mailed to a member.
   */
  private static Future<Boolean> requireInvitable(SqlConnection tx, OrgAccess access, String email,
      List<String> granted, List<UUID> teams) {
    if (!teams.isEmpty()) {
      RoleGrants.requireHeld(access, List.of(PermissionCatalog.TEAM_MANAGE), "put an invitee in teams, which takes");
    }
    return RoleGrants.requireGrantable(tx, access, granted)
        .compose(v -> InvitationRepository.pendingGrant(tx, access.orgId(), email))
        .compose(replaced -> {
          if (replaced.namesTeams()) {
            RoleGrants.requireHeld(access, List.of(PermissionCatalog.TEAM_MANAGE),
                "replace an invitation into teams, which takes");
          }
          return RoleGrants.requireReplaceable(tx, access, replaced.roles());
        })
        .compose(v -> MembershipRepository.hasMemberWithEmail(tx, access.orgId(), email))
        .compose(member -> member && AccessPolicy.allows(access, PermissionCatalog.USER_LIST)
            ? Future.failedFuture(alreadyMember("That address is a member's already: change their roles instead."))
            : Teams.missing(tx, access.orgId(), teams).compose(missing -> missing.isEmpty()
                ? Future.succeededFuture(member)
                : Future.failedFuture(new ApiException(422, "unknown_group", "No such group in this organization: "
                    + RefusedValues.listed(missing), RefusedValues.errors("groupIds", missing)))));
  }

  /** One pending invitation of the organization, for those who may list them. */
  private void get(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("iid"), "iid");
    AccessPolicy.require(pool, BearerAuth.principal(ctx), ctx.pathParam("org"), PermissionCatalog.INVITATION_LIST)
        .compose(access -> InvitationRepository.pendingIn(pool, access.orgId(), id, false))
        .map(found -> found.orElseThrow(InvitationRoutes::notFound))
        .onSuccess(invitation -> EntityTags.reply(ctx, invitation))
        .onFailure(ctx::fail);
  }

  /**
   * The organization's admins may withdraw a pending invitation, and so may the person invited: theirs is audited as
   * the decline it is ({@code invitation.declined}), whose actor the trail shows as it shows any decliner's (until
   * session 32 it was {@code invitation.deleted}, naming their account to every reader of the trail).
   */
  private void delete(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var id = Ids.uuid(ctx.pathParam("iid"), "iid");
    pool.withTransaction(tx -> withdrawable(tx, principal, ctx.pathParam("org"), id)
            .compose(withdrawal -> {
              var invitation = withdrawal.invitation();
              // only once the caller may see it: a stranger's stale tag must meet 404, not the current tag
              EntityTags.requireMatch(ctx, invitation, "The invitation");
              var orgId = UUID.fromString(invitation.getJsonObject("organization").getString("id"));
              return InvitationRepository.delete(tx, id)
                  .compose(v -> AuditLog.record(tx, ctx, orgId, principal.subject(), withdrawal.action(),
                      "invitation:" + id, new JsonObject()));
            }))
        .onSuccess(v -> Replies.noContent(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The pending invitation the caller may withdraw, locked: their own, or one of an organization they may invite to.
   * Only a caller known to be either locks it, so a stranger naming any id neither waits for nor holds up anyone.
   * Someone who is not in the organization hears of no invitation; one who is but may not invite hears 403, as does
   * an admin withdrawing roles they could not grant again (a manager takes back no owner's invitation to ownership,
   * as inviting the address anew would not), or an invitation into teams without {@link PermissionCatalog#TEAM_MANAGE},
   * which replacing it takes: a caller refused the replacement would otherwise withdraw the invitation and invite the
   * address anew without its teams. An admin's rights are decided under the organization's row lock, as
   * for every other invitation written: until session 35 they were read unlocked, and an admin being demoted or
   * removed meanwhile withdrew with the rights they were losing. The invitee withdraws their own whatever it grants.
   */
  private static Future<Withdrawal> withdrawable(SqlConnection tx, Principal principal, String orgRef, UUID id) {
    return verifiedEmailOrNone(tx, principal)
        .compose(email -> email == null ? Future.succeededFuture(Optional.<JsonObject>empty())
            : InvitationRepository.pendingFor(tx, orgRef, id, email))
        .compose(own -> own.isPresent() ? Future.succeededFuture(new Withdrawal(own.get(), "invitation.declined"))
            : AccessPolicy.require(tx, principal, orgRef, PermissionCatalog.INVITATION_CREATE, true)
                .recover(err -> Future.failedFuture(err instanceof ApiException api && api.status() == 404
                    ? notFound() : err))
                .compose(access -> InvitationRepository.pendingIn(tx, access.orgId(), id, true)
                    .map(found -> found.orElseThrow(InvitationRoutes::notFound))
                    .compose(invitation -> {
                      if (!invitation.getJsonArray("groupIds").isEmpty()) {
                        RoleGrants.requireHeld(access, List.of(PermissionCatalog.TEAM_MANAGE),
                            "withdraw an invitation into teams, which takes");
                      }
                      return RoleGrants.requireReplaceable(tx, access, roles(invitation))
                          .map(new Withdrawal(invitation, "invitation.deleted"));
                    })));
  }

  /** An invitation the caller may withdraw, and the {@code action} its withdrawal is audited as. */
  private record Withdrawal(JsonObject invitation, String action) {
  }

  private void mine(RoutingContext ctx) {
    var page = PageRequest.of(ctx);
    var after = page.afterId();
    verifiedEmail(pool, BearerAuth.principal(ctx), false)
        .compose(email -> email == null ? Future.succeededFuture(List.<JsonObject>of())
            : InvitationRepository.pendingFor(pool, email, after, page.fetchSize()))
        .onSuccess(items -> ctx.json(page(page, items)))
        .onFailure(ctx::fail);
  }

  /**
   * The caller's own invitation, with the {@code ETag} an acceptance may name in {@code If-Match}: the tag the
   * organization's readers see for it too.
   */
  private void getOwn(RoutingContext ctx) {
    var id = Ids.uuid(ctx.pathParam("iid"), "iid");
    ownInvitation(pool, BearerAuth.principal(ctx), id, false)
        .onSuccess(invitation -> EntityTags.reply(ctx, invitation))
        .onFailure(ctx::fail);
  }

  /**
   * Accepting reads the caller's invitation, then takes the organization's row share-locked and reads the invitation
   * again, locked: someone naming an invitation not theirs holds up no one's role change or disabling (and waits for
   * none). Custom roles are written under the organization's exclusive lock, so a role renamed meanwhile is renamed
   * before the invitation is read again or after the membership is made, never between (until session 17 the member
   * then held the old name, which granted nothing, or later whatever a role made under that name granted).
   * Disabling takes that lock too, so the state read with it holds until the membership is made: a disabled
   * organization takes no one in (403, the invitation waits). Inviting the address again keeps the invitation's id
   * and may change its roles and teams: an {@code If-Match} naming the tag the invitee read is compared with the
   * invitation read under the lock (412 {@code precondition_failed} if it changed since), so they accept no more than
   * they saw. Before all that the caller's own account row is share-locked, and their address read with it: a change
   * of the address confirmed meanwhile is waited for (and the invitation then no longer theirs, 404), or waits until
   * the membership is made; until session 33 one that committed between the read and the membership let them join
   * by the invitation of the address they had just given up. The account first, then the organization, the order an
   * account's deletion locks them in. Read under the lock, the invitation's expiry is judged at the moment the lock
   * was taken, not at the transaction's start: a custom role deleted while the acceptance waited for the lock counted
   * only the invitations unexpired by its own, later, clock, and until session 35 an invitation that expired
   * meanwhile made a member of a role gone (a wait for the invitation's row, after the lock, expires nothing).
   * Under the same lock, which a removal or change of roles waits for, the invitation grants only what its inviter
   * could grant now ({@link InviterReach}): one made by a manager removed since makes no manager.
   */
  private void accept(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var id = Ids.uuid(ctx.pathParam("iid"), "iid");
    pool.withTransaction(tx -> verifiedEmail(tx, principal, true)
        .compose(email -> invitationTo(tx, email, id, false)
            .compose(unlocked -> InvitationRepository.lockOrganizationOf(tx, id))
            .map(locked -> locked.orElseThrow(InvitationRoutes::notFound))
            .compose(locked -> InvitationRepository.acceptable(tx, id, email, locked.at()).map(found -> {
              var invitation = pending(found);
              if ("disabled".equals(locked.state())) {
                throw AccessPolicy.organizationDisabled();
              }
              EntityTags.requireMatch(ctx, invitation, "The invitation");
              return invitation;
            })))
        .compose(invitation -> {
          var orgId = UUID.fromString(invitation.getJsonObject("organization").getString("id"));
          var userId = AccessPolicy.userId(principal);
          var roles = roles(invitation);
          var teams = invitation.getJsonArray("groupIds").stream().map(t -> UUID.fromString(t.toString())).toList();
          // a member already hears so before whether the inviter may still grant the invitation: being invited
          // again, which the refusal asks for, is refused to a member; a refusal rolls the membership back
          return MembershipRepository.upsert(tx, orgId, List.of(userId), roles)
              .compose(added -> added == 0 ? Future.failedFuture(alreadyMember("You are a member already: the "
                  + "invitation would change nothing (decline it, and ask for other roles if you need them)."))
                  : InviterReach.requireWithinInviter(tx, id, userId))
              .compose(v -> Teams.join(tx, orgId, teams, userId))
              .compose(joined -> InvitationRepository.delete(tx, id)
                  // the invitation is deleted: its event names who joined and the teams they did, and the joins are
                  // announced and audited as any other
                  .compose(v -> AuditLog.recordAll(tx, ctx, orgId, principal.subject(), Stream.concat(Stream.of(
                      new AuditLog.Event("invitation.accepted", "invitation:" + id, new JsonObject()
                          .put("roles", new JsonArray(roles)).put("userId", userId.toString())
                          .put("email", invitation.getString("email"))
                          .put("groupIds", new JsonArray(joined.stream().map(UUID::toString).toList()))),
                      MemberEvents.added(orgId, List.of(userId.toString()), roles)),
                      joined.stream().map(team -> Teams.membersAdded(team, userId))).toList())))
              .compose(v -> Replies.keep(tx, ctx, Reply.ok(new JsonObject()
                  .put("organization", invitation.getJsonObject("organization")))));
        }))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  private void decline(RoutingContext ctx) {
    var principal = BearerAuth.principal(ctx);
    var id = Ids.uuid(ctx.pathParam("iid"), "iid");
    pool.withTransaction(tx -> ownInvitation(tx, principal, id, true)
            .compose(invitation -> InvitationRepository.delete(tx, id)
                .compose(v -> AuditLog.record(tx, ctx,
                    UUID.fromString(invitation.getJsonObject("organization").getString("id")), principal.subject(),
                    "invitation.declined", "invitation:" + id, new JsonObject()))
                .compose(v -> Replies.keep(tx, ctx, Reply.of(204, null)))))
        .onSuccess(reply -> reply.send(ctx))
        .onFailure(ctx::fail);
  }

  /**
   * The invitation, if it is addressed to the caller (else 404) and has not expired (else 410), locked for the
   * transaction if asked; a caller whose address is not verified hears that first, whichever invitation they name.
   */
  private static Future<JsonObject> ownInvitation(SqlClient tx, Principal principal, UUID id, boolean lock) {
    return verifiedEmail(tx, principal, false).compose(email -> invitationTo(tx, email, id, lock));
  }

  /** {@link #ownInvitation} of the caller whose verified address is {@code email} (null: none). */
  private static Future<JsonObject> invitationTo(SqlClient tx, String email, UUID id, boolean lock) {
    return (email == null ? Future.succeededFuture(Optional.<JsonObject>empty())
            : InvitationRepository.addressedTo(tx, id, email, lock))
        .map(InvitationRoutes::pending);
  }

  /** The invitation found, unless there is none (404) or it has expired (410). */
  private static JsonObject pending(Optional<JsonObject> found) {
    var invitation = found.orElseThrow(InvitationRoutes::notFound);
    if (invitation.getBoolean("expired")) {
      throw new ApiException(410, "invitation_expired", "This invitation has expired; ask for a new one.");
    }
    return invitation;
  }

  /** The caller's verified address, or none (null) when it is not verified: such an address is no invitee's. */
  private static Future<String> verifiedEmailOrNone(SqlConnection tx, Principal principal) {
    return verifiedEmail(tx, principal, false)
        .recover(e -> e instanceof ApiException api && api.status() == 403 ? Future.succeededFuture(null)
            : Future.failedFuture(e));
  }

  /**
   * The caller's address as invitations see it: none (null) for scoped tokens and service users, and 403
   * {@code email_not_verified} until its owner has verified it, since anyone can register any address. With
   * {@code hold}, the caller's row is share-locked for the rest of the transaction, and the address with it.
   */
  private static Future<String> verifiedEmail(SqlClient client, Principal principal, boolean hold) {
    if (principal.isScoped()) {
      return Future.succeededFuture(null);
    }
    var userId = AccessPolicy.userId(principal);
    return (hold ? UserRepository.holdById(client, userId) : UserRepository.byId(client, userId)).map(found -> {
      var user = found.orElse(null);
      if (user == null || user.email() == null) {
        return null;
      }
      if (!user.emailVerified()) {
        throw ApiException.forbidden("email_not_verified", "Verify your email address first: invitations are for its "
            + "verified owner (the token was mailed at registration; POST /v1/users/me/email-verifications mails another).");
      }
      return user.email();
    });
  }

  private static List<String> roles(JsonObject invitation) {
    return invitation.getJsonArray("roles").stream().map(Object::toString).toList();
  }

  private static JsonObject page(PageRequest page, List<JsonObject> items) {
    return page.page(items, item -> item, item -> item.getString("id"));
  }

  /** Inviting a member, or accepting as one, would grant nothing: roles change through the members' API. */
  private static ApiException alreadyMember(String detail) {
    return ApiException.conflict("already_member", detail);
  }

  private static ApiException notFound() {
    return ApiException.notFound("invitation_not_found", "No such invitation for you.");
  }
}
