package dev.orgplane.org.audit;

import dev.orgplane.org.access.AccessPolicy;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What of an audit event its reader is shown. Reading the trail ({@link PermissionCatalog#AUDIT_LIST}) must not tell
 * what the lists the event comes from keep from that reader. An invitee's address is shown to those who may list both
 * invitations and members: its event's target, the invitation, is that of {@code invitation.accepted}, whose actor is
 * the member it made, so the address alone paired them for a reader of invitations only (until session 32). Whether
 * it was mailed (which it is not to a member's address) is shown to them too. Who declined an invitation is no member,
 * whom no list of the organization names: that actor is shown to platform admins only, and {@value #INVITEE} to anyone
 * else. The invitations a member's departure (or change of address) withdrew are shown to those who may list
 * invitations and members too: someone who may not list the members invites a member's address as any other, and the
 * withdrawal, by the member who left or of the request and moment of their {@code member.removed}, paired the address
 * with the member however few of its details were shown (until session 34). So did {@code invitation.accepted}, by the
 * member it made, of the invitation whose id the invitation list and its creator know with its address: it is shown to
 * those readers alone as well. The requester of the job the engine made an invitation for ({@code requestedBy} of
 * {@code invitation.created}) is shown to them alone too: the invited address may become that account's (which is
 * why accepting refuses it them), so beside the invitation it pairs an address with an account as the address does.
 * The events keep everything as written, for the readers who may see it.
 */
final class ShownEvent {

  /** The actor shown for a decliner's account to readers who may not see it. */
  private static final String INVITEE = "invitee";
  /** The actions whose actor is an account the organization's lists never name. */
  private static final List<String> OUTSIDE_ACTORS = List.of("invitation.declined");

  private static final List<String> INVITATIONS_AND_MEMBERS =
      List.of(PermissionCatalog.INVITATION_LIST, PermissionCatalog.USER_LIST);

  /** By action, each detail shown only to readers allowed all the permissions it names. */
  private static final Map<String, Map<String, List<String>>> RESTRICTED = Map.of(
      "invitation.created", Map.of("email", INVITATIONS_AND_MEMBERS, "mailed", INVITATIONS_AND_MEMBERS,
          "requestedBy", INVITATIONS_AND_MEMBERS));

  /**
   * The SQL condition an event of {@code org.audit_events} meets if the reader is shown it: {@code $n} is {@link
   * #showsInviteesMembers}.
   */
  static String inviteesMembersShown(int n) {
    return "($" + n + " OR NOT (action = 'invitation.accepted' "
        + "OR action = 'invitation.deleted' AND details ? 'userId'))";
  }

  private final OrgAccess reader;

  ShownEvent(OrgAccess reader) {
    this.reader = reader;
  }

  OrgAccess reader() {
    return reader;
  }

  /**
   * The actions whose actor the reader is not shown: an {@code actor} filter must not find their events either, or
   * naming an account would tell whether it declined.
   */
  List<String> hiddenActors() {
    return reader.platformAdmin() ? List.of() : OUTSIDE_ACTORS;
  }

  /**
   * Whether the reader is shown the events pairing an invitation with a member: its acceptance, {@code
   * invitation.accepted} by the member it made, and its withdrawal with a departing member or address, {@code
   * invitation.deleted} naming the member's {@code userId} ({@link dev.orgplane.org.invitation.DepartedInvitees}).
   * {@link #inviteesMembersShown} is the condition on each event of the trail.
   */
  boolean showsInviteesMembers() {
    return allowsAll(INVITATIONS_AND_MEMBERS);
  }

  /** The actor of an event {@code action} as the reader is shown it. */
  String actor(String action, String actor) {
    return hiddenActors().contains(action) ? INVITEE : actor;
  }

  /** The details of an event {@code action}, without those the reader is not shown. */
  JsonObject details(String action, JsonObject details) {
    var hidden = RESTRICTED.getOrDefault(action, Map.of()).entrySet().stream()
        .filter(detail -> !allowsAll(detail.getValue()))
        .map(Map.Entry::getKey).toList();
    if (hidden.isEmpty()) {
      return details;
    }
    var shown = details.copy();
    hidden.forEach(shown::remove);
    return shown;
  }

  private boolean allowsAll(List<String> permissions) {
    return permissions.stream().allMatch(permission -> AccessPolicy.allows(reader, permission));
  }
}
