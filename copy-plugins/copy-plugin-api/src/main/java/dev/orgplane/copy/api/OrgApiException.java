package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;

/**
 * An org-service answer that is not a success: its HTTP status and problem+json {@code code},
 * {@code detail} and field {@code errors} ({@code [{field, message}]}).
 */
public class OrgApiException extends RuntimeException {

  /** The code of a write refused because the same write, sent before under the same key, is still running. */
  public static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";

  private final int status;
  private final String code;
  private final JsonArray errors;

  public OrgApiException(int status, String code, String detail, JsonArray errors) {
    super(status + " " + code + ": " + detail);
    this.status = status;
    this.code = code;
    this.errors = errors == null ? new JsonArray() : errors;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonArray errors() {
    return errors;
  }

  /**
   * Whether trying the same call again later may succeed: the service was down, busy or slow, or still runs the same
   * write sent before ({@code idempotency_key_in_use}), whose answer the next try gets.
   */
  public boolean retryable() {
    return status >= 500 || status == 408 || status == 429 || status == 409 && IDEMPOTENCY_KEY_IN_USE.equals(code);
  }
}
