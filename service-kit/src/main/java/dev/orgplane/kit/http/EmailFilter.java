package dev.orgplane.kit.http;

import io.vertx.ext.web.RoutingContext;

/** A list's {@code email} filter: the one entry of that address, matched without case, if there is one. */
public final class EmailFilter {

  public static final String PARAMETER = "email";

  private EmailFilter() {
  }

  /** The address asked for: null when not given, else an address (400 {@code invalid_filter} otherwise). */
  public static String read(RoutingContext ctx) {
    var given = ctx.queryParams().get(PARAMETER);
    if (given != null && !RequestBody.isEmail(given)) {
      throw ApiException.badRequest("invalid_filter", PARAMETER + " is an email address.");
    }
    return given;
  }
}
