package dev.orgplane.copy.api;

/**
 * How many hooks an organization may have ({@code limit}, org-service's {@code ORGPLANE_HOOKS_PER_ORGANIZATION}) and
 * how many it has ({@code hooks}), as {@link OrgApi#hookAllowance} reads them. org-service refuses a write that
 * creates hooks past the limit ({@value #LIMIT_REACHED}, nothing written) and lets one that creates none through,
 * however many the organization has; a plan of hooks predicts the refusal with {@link #refusesCreating}, and says it
 * in the service's words ({@link #refusal}).
 */
public record HookAllowance(int limit, long hooks) {

  /** The code of a write, a copy or a plan refused for giving an organization more hooks than its limit. */
  public static final String LIMIT_REACHED = "hook_limit_reached";

  /** Whether org-service would refuse writes that create {@code created} more hooks in the organization. */
  public boolean refusesCreating(long created) {
    return created > 0 && hooks + created > limit;
  }

  /** The message of a refusal under {@code limit} of a write after which the organization would have {@code hooks}. */
  public static String refusal(int limit, long hooks) {
    return "An organization may have at most " + limit + " hooks; this one would have " + hooks
        + ". Delete hooks it no longer needs first.";
  }
}
