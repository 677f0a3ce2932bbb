package dev.orgplane.copy.api;

import java.util.Optional;

/**
 * How many hooks an organization may have ({@code limit}, org-service's {@code ORGPLANE_HOOKS_PER_ORGANIZATION}) and
 * how many it has ({@code hooks}), as {@link OrgApi#hookAllowance} reads them. org-service refuses a write that
 * creates hooks past the limit ({@value #LIMIT_REACHED}, nothing written) and lets one that creates none through,
 * however many the organization has; a plan of hooks predicts the refusal, as org-service answers it, with
 * {@link #refusalOf}.
 */
public record HookAllowance(int limit, long hooks) {

  /** The code of a write, a copy or a plan refused for giving an organization more hooks than its limit. */
  public static final String LIMIT_REACHED = "hook_limit_reached";

  /**
   * What org-service answers writes that create {@code created} more hooks in the organization, where it refuses
   * them: 409 {@value #LIMIT_REACHED}, naming the limit and the count the organization would reach; empty where it
   * lets them through.
   */
  public Optional<OrgApiException> refusalOf(long created) {
    var wouldHave = hooks + created;
    return created > 0 && wouldHave > limit
        ? Optional.of(new OrgApiException(409, LIMIT_REACHED, refusal(limit, wouldHave), null))
        : Optional.empty();
  }

  /** The message of a refusal under {@code limit} of a write after which the organization would have {@code hooks}. */
  public static String refusal(int limit, long hooks) {
    return "An organization may have at most " + limit + " hooks; this one would have " + hooks
        + ". Delete hooks it no longer needs first.";
  }
}
