package dev.orgplane.gateway.limits;

import dev.orgplane.gateway.ClientAddress;
import dev.orgplane.kit.auth.Principal;
import dev.orgplane.kit.http.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * 429 {@code rate_limited} with {@code Retry-After} once a key's bucket is empty. Mounted twice:
 * by client address ({@link ClientNetwork}: an IPv6 client by its /64) before the token check (so floods of bad tokens are cut off too), and by token
 * subject after it (so one client cannot spread its load over many addresses), before an identity provider's token is
 * exchanged (so neither can it spread its exchanges at org-service). The requests that have a password hashed meet
 * stricter ones besides, by client address, by IPv6 site and by /48 ({@link PasswordLimits}).
 */
public final class RateLimit implements Handler<RoutingContext> {

  private final TokenBuckets buckets;
  private final Function<RoutingContext, Object> key;

  /** A token's subject, named by its issuer: the same subject of two issuers is two callers. */
  private record Subject(String issuer, String subject) {
  }

  private RateLimit(TokenBuckets buckets, Function<RoutingContext, Object> key) {
    this.buckets = buckets;
    this.key = key;
  }

  public static RateLimit perClientAddress(TokenBuckets buckets, ClientAddress clients) {
    return new RateLimit(buckets, ctx -> addressKey(clients.of(ctx)));
  }

  /** The bucket of the client at {@code address}, among {@link #perClientAddress}'s. */
  public static Object addressKey(String address) {
    return ClientNetwork.of(address);
  }

  /** The bucket of {@code principal}, among {@link #perPrincipal}'s. */
  public static Object principalKey(Principal principal) {
    return new Subject(principal.issuer(), principal.subject());
  }

  /**
   * By the client's IPv6 site, the network of its first {@code sitePrefix} bits ({@link ClientNetwork#siteOf}); an
   * IPv4 client it does not count, its address being all it has. For a limit whose buckets per address a site would
   * multiply past what the platform bears.
   */
  public static RateLimit perClientSite(TokenBuckets buckets, ClientAddress clients, int sitePrefix) {
    return new RateLimit(buckets, ctx -> ClientNetwork.siteOf(clients.of(ctx), sitePrefix));
  }

  public static RateLimit perPrincipal(TokenBuckets buckets) {
    return new RateLimit(buckets, ctx -> {
      Principal principal = ctx.get(Principal.CONTEXT_KEY);
      return principal == null ? null : principalKey(principal);
    });
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (admits(ctx)) {
      ctx.next();
    }
  }

  void forgetIdle() {
    buckets.forgetIdle();
  }

  /** Takes a token from the request's bucket; false when it was empty, {@code ctx} failed with 429. */
  boolean admits(RoutingContext ctx) {
    var limitedBy = key.apply(ctx);
    long wait = limitedBy == null ? 0 : buckets.take(limitedBy);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf(wait));
      ctx.fail(new ApiException(429, "rate_limited", "Too many requests; retry after " + wait + " s."));
      return false;
    }
    return true;
  }
}
