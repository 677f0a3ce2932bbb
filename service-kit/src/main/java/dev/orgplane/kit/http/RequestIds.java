package dev.orgplane.kit.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpRequest;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is well-formed (so one id
 * follows a request through every hop), otherwise a new UUID. The id is echoed in the response and
 * logged by the access log and the failure handler. A service's calls to another for a request carry its id on
 * ({@link #passedOn}), so that the other logs them under it too.
 */
public final class RequestIds implements Handler<RoutingContext> {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";
  /** What {@link #of} answers for a request without an id. */
  private static final String NONE = "-";
  private static final int MAX_LENGTH = 128;

  @Override
  public void handle(RoutingContext ctx) {
    var given = ctx.request().getHeader(HEADER);
    var id = isWellFormed(given) ? given : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /**
   * A random (version 4) UUID from a per-thread generator: an id only has to be unique, not unguessable,
   * and {@link UUID#randomUUID()} reads the system's secure source under a lock for every request.
   */
  public static String newId() {
    var random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? NONE : id;
  }

  /**
   * {@code call}, made for the request of id {@code id} (from {@link #of}, or null: none), carrying it: the service
   * that answers keeps it, well-formed as it is, and logs the call under it, so that a failure there is found by the
   * id the client was answered with. Without an id the call carries none, and the service makes one.
   */
  public static <T> HttpRequest<T> passedOn(HttpRequest<T> call, String id) {
    return id == null || id.equals(NONE) ? call : call.putHeader(HEADER, id);
  }

  /**
   * Whether {@code id} is 1 to {@value #MAX_LENGTH} letters and digits (ASCII) and {@code . _ : -}. A loop, not a
   * regular expression: asked at every hop of every request, and a service behind the gateway is always given one.
   */
  public static boolean isWellFormed(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
