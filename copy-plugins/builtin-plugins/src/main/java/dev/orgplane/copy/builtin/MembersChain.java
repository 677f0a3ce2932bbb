package dev.orgplane.copy.builtin;

/**
 * Where roles, members and teams (one chain: users depend on roles, teams on users) run among the plugins whose
 * dependencies allow either order: after the setup kinds. Queues and hooks wait for every plugin earlier in the run
 * order before org-service copies their pages (so that every copy their free-form data may name is there), and they
 * need none of this chain's copies: org-service remaps an id of the template's roles or teams whether or not its
 * copy is made yet. Ranked first, by id, the chain held the setup kinds' chain up, and a copy into one target took
 * the two chains one after the other instead of side by side.
 */
final class MembersChain {

  /** Above the default 0 of the setup kinds (and of other plugins), so the chain ranks after them. */
  static final int ORDER = 1;

  private MembersChain() {
  }
}
