package dev.orgplane.gateway.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * A check of a request that needs its body, left on the routing context by a door handler for the proxy to make once
 * it has read the body, as it does before it sends a request on anyway ({@link BodyForwarder}): the door buffers
 * nothing of its own for it. A request the gateway answers itself before the proxy is not checked.
 */
@FunctionalInterface
public interface BodyCheck {

  /** Where a door handler leaves its check on the routing context. */
  String CONTEXT_KEY = "orgplane.bodyCheck";

  /**
   * Whether the request may go on, given its {@code body} read whole (empty for a request without one), or null for
   * one longer than the proxy reads before it sends it on; when not, the check has failed {@code ctx}.
   */
  boolean admits(RoutingContext ctx, Buffer body);

  /** Leaves this check for the proxy to make on {@code ctx}'s request. */
  default void leaveOn(RoutingContext ctx) {
    ctx.put(CONTEXT_KEY, this);
  }

  /** Whether the check left on {@code ctx}, if any, admits the request with {@code body}. */
  static boolean admitted(RoutingContext ctx, Buffer body) {
    BodyCheck check = ctx.get(CONTEXT_KEY);
    return check == null || check.admits(ctx, body);
  }
}
