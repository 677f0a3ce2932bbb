package dev.orgplane.kit.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The public keys (JWKs) that may sign tokens of one issuer. A remote source fetches a JWKS URL and
 * caches it; the issuing service reads its own key store.
 */
public interface KeySource {

  /** The keys as currently known (cached). */
  Future<List<JsonObject>> keys();

  /**
   * The keys once at least one is known, failed while none is: what a service that verifies tokens with them waits
   * for before it says it is ready (its {@code /health/ready}), as every token would be refused meanwhile.
   */
  default Future<List<JsonObject>> someKnown() {
    return keys().map(keys -> {
      if (keys.isEmpty()) {
        throw new IllegalStateException("no signing keys known yet");
      }
      return keys;
    });
  }

  /**
   * Called when a token names a {@code kid} that {@link #keys()} lacks: fetch again, but no more
   * often than the source allows, so forged kids cannot turn the verifier into a fetch amplifier.
   */
  default Future<List<JsonObject>> refresh() {
    return keys();
  }

  /**
   * {@code listener} is told the kids of the keys a fetch finds gone (withdrawn, or replaced under the same kid),
   * before the fetch's answer is served: a verifier that remembers tokens must forget the ones those keys signed.
   * A source whose keys leave only once every token they signed has expired need not tell.
   */
  default void whenWithdrawn(Consumer<Set<String>> listener) {
  }

  /**
   * Until {@link #stopKeepingFresh}, fetch again on its own once the keys are stale, though no token asks for them:
   * a remembered token touches no key, so a key withdrawn meanwhile would otherwise be found gone only when a token
   * not remembered comes. A source that reloads on a period of its own need not do anything more.
   */
  default void keepFresh() {
  }

  /** No more fetches of its own: its owner stops (no timer may outlive a verticle that undeployed). */
  default void stopKeepingFresh() {
  }

  /**
   * Done with for good: no more fetches of its own, and what it holds of its own (its HTTP client) released when its
   * owner stops, not left to Vert.x (which closes a client made on a verticle's context only once the verticle's stop,
   * drain included, is over, and one made elsewhere only with the Vert.x instance).
   */
  default void close() {
    stopKeepingFresh();
  }
}
