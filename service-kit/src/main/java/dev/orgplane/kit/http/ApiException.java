package dev.orgplane.kit.http;

import java.util.List;

/**
 * A failure the caller can act on: an HTTP status, a stable snake_case {@code code} that clients
 * match on, a human {@code detail}, and optional per-field errors. Rendered as problem+json by
 * {@link ProblemFailureHandler}; every service throws these instead of writing error bodies itself.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final List<FieldError> errors;
  private final long retryAfterSeconds;

  public ApiException(int status, String code, String detail) {
    this(status, code, detail, List.of());
  }

  public ApiException(int status, String code, String detail, List<FieldError> errors) {
    this(status, code, detail, errors, 0);
  }

  /**
   * A refusal that says when to try again: {@link ProblemFailureHandler} answers it with {@code Retry-After}, so that
   * code far from the request (a pool shedding work) can say it without the request at hand.
   */
  public ApiException(int status, String code, String detail, long retryAfterSeconds) {
    this(status, code, detail, List.of(), retryAfterSeconds);
  }

  private ApiException(int status, String code, String detail, List<FieldError> errors, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.errors = List.copyOf(errors);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** The seconds after which a retry may succeed; 0 when the refusal says nothing of that. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(400, code, detail);
  }

  public static ApiException invalid(String detail, List<FieldError> errors) {
    return new ApiException(400, "validation_failed", detail, errors);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(401, "invalid_token", detail);
  }

  public static ApiException forbidden(String code, String detail) {
    return new ApiException(403, code, detail);
  }

  public static ApiException notFound(String code, String detail) {
    return new ApiException(404, code, detail);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(409, code, detail);
  }

  public static ApiException unprocessable(String code, String detail) {
    return new ApiException(422, code, detail);
  }

  /** One invalid field of a request: a JSON-pointer-like path and what is wrong with it. */
  public record FieldError(String field, String message) {
  }
}
