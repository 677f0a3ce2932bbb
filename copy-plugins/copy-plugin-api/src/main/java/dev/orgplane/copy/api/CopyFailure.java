package dev.orgplane.copy.api;

/**
 * A copy that cannot succeed as things are (bad data, a refused write), naming the template object
 * that caused it so the job's error points at it. The engine fails the job instead of retrying;
 * any other exception counts as transient and is retried with backoff.
 */
public class CopyFailure extends RuntimeException {

  private final String code;
  private final String objectId;

  public CopyFailure(String code, String message, String objectId) {
    super(message);
    this.code = code;
    this.objectId = objectId;
  }

  /** A stable snake_case code, e.g. {@code invalid_reference}. */
  public String code() {
    return code;
  }

  /** The template object's id, or {@code null} when the failure is not about one object. */
  public String objectId() {
    return objectId;
  }
}
