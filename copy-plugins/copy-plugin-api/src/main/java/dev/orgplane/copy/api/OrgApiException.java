package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;

/**
 * An org-service answer that is not a success: its HTTP status and problem+json {@code code},
 * {@code detail} and field {@code errors} ({@code [{field, message}]}), and its {@code Retry-After}, if any.
 */
public class OrgApiException extends RuntimeException {

  /** The code of a write refused because the same write, sent before under the same key, is still running. */
  public static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";
  /**
   * The code of a write whose transaction lost a race with another (a deadlock, a serialization failure): org-service
   * rolled it back, so it wrote nothing, and the same write again may well succeed.
   */
  public static final String CONCURRENT_UPDATE = "concurrent_update";

  private final int status;
  private final String code;
  private final String detail;
  private final JsonArray errors;
  private final long retryAfterSeconds;

  public OrgApiException(int status, String code, String detail, JsonArray errors) {
    this(status, code, detail, errors, 0);
  }

  /** An answer that says when to try again: {@code Retry-After}, in seconds. */
  public OrgApiException(int status, String code, String detail, JsonArray errors, long retryAfterSeconds) {
    super(status + " " + code + ": " + detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = errors == null ? new JsonArray() : errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /**
   * The answer's {@code detail} alone: where the code is told beside it (a failure's {@code code} and {@code detail}),
   * the message, which leads with the status and code, said the code twice ({@code invalid_client: 401
   * invalid_client: ...}).
   */
  public String detail() {
    return detail == null ? getMessage() : detail;
  }

  public JsonArray errors() {
    return errors;
  }

  /** The seconds after which org-service said to try again; 0 when it did not say. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether the same write, sent before under the same key, is still running: the next try may get its answer. */
  public boolean keyInUse() {
    return status == 409 && IDEMPOTENCY_KEY_IN_USE.equals(code);
  }

  /**
   * Whether trying the same call again later may succeed: the service was down, busy or slow, still runs the same
   * write sent before ({@code idempotency_key_in_use}), whose answer the next try gets, or rolled the write back as
   * it lost a race ({@code concurrent_update}). Trying that one again is safe with or without an
   * {@code Idempotency-Key}: nothing of it was written. Not {@code reference_gone}: what the write refers to was
   * deleted, and stays so for the next try.
   */
  public boolean retryable() {
    return status >= 500 || status == 408 || status == 429 || keyInUse()
        || status == 409 && CONCURRENT_UPDATE.equals(code);
  }
}
