package dev.orgplane.copy.api;

import io.vertx.core.json.JsonArray;
import java.util.Optional;

/**
 * A copy that cannot succeed as things are (bad data, a refused write), naming the template object
 * that caused it so the job's error points at it. Thrown or as the failure of the returned future, it
 * fails the job at once with its {@link #code()}. Only a passing failure (an {@code IOException}, a
 * timeout, a closed or reset connection, an {@link OrgApiException} that is {@link OrgApiException#retryable()})
 * is retried with backoff; any other exception also fails the job at once, as {@code copy_error}.
 */
public class CopyFailure extends RuntimeException {

  private final String code;
  private final String objectId;
  private final JsonArray errors;

  public CopyFailure(String code, String message, String objectId) {
    this(code, message, objectId, null);
  }

  /** With the fields that were refused, {@code [{field, message}]} as org-service names them. */
  public CopyFailure(String code, String message, String objectId, JsonArray errors) {
    super(message);
    this.code = code;
    this.objectId = objectId;
    this.errors = errors == null ? new JsonArray() : errors;
  }

  /**
   * What a copy asking for the template hooks' secrets fails with, unsent, in a job without option
   * {@value CopyContext#COPY_HOOK_SECRETS}: code {@value CopyContext#HOOK_SECRETS_NOT_REQUESTED}, as the engine and
   * the plugin kit answer it.
   */
  public static CopyFailure hookSecretsNotRequested() {
    return new CopyFailure(CopyContext.HOOK_SECRETS_NOT_REQUESTED, "A plugin may have the template hooks' secrets "
        + "carried only in a job with option " + CopyContext.COPY_HOOK_SECRETS + ".", null);
  }

  /**
   * What a {@link OrgApi#post} or {@link OrgApi#put} fails with, unsent, as the engine and the plugin kit answer it,
   * when its path names one of org-service's custom methods ({@code {kind}:{method}}, such as {@code hooks:copy}): code
   * {@value CopyContext#ORGANIZATION_OUT_OF_SCOPE}; empty for any other path. Each of them has a call of its own that
   * holds it to the job ({@link OrgApi#copyPage} copies from the template only, and carries its hooks' secrets only
   * with the job's option; {@link OrgApi#importBatch}, {@link OrgApi#existing}), and the engine's identity may copy
   * from every organization: a raw post copied any tenant's objects, hook secrets too, into the target.
   */
  public static Optional<CopyFailure> customMethod(String organization, String path) {
    if (path == null || path.indexOf(':') < 0) {
      return Optional.empty();
    }
    return Optional.of(new CopyFailure(CopyContext.ORGANIZATION_OUT_OF_SCOPE, "A plugin may not post or put " + path
        + " of organization " + organization + ": org-service's custom methods ({kind}:{method}) are called by the"
        + " org API's own calls (copyPage, importBatch, existing), which hold them to the job.", null));
  }

  /**
   * What a {@link OrgApi#copyPage} from any organization but the job's {@code template} fails with, unsent, as the
   * engine and the plugin kit answer it: code {@value CopyContext#ORGANIZATION_OUT_OF_SCOPE}; empty for a copy from the
   * template. org-service refuses the engine's copies from anywhere else, the target's into itself included, so sent,
   * such a copy only failed later, with a code of org-service's.
   */
  public static Optional<CopyFailure> copiedFromOtherThan(String template, String source) {
    if (source != null && source.equalsIgnoreCase(template)) {
      return Optional.empty();
    }
    return Optional.of(new CopyFailure(CopyContext.ORGANIZATION_OUT_OF_SCOPE, "A plugin may copy pages from its "
        + "template only, not from organization " + source + " (nor from its target into itself).", null));
  }

  /** A stable snake_case code, e.g. {@code invalid_reference}. */
  public String code() {
    return code;
  }

  /** The template object's id, or {@code null} when the failure is not about one object. */
  public String objectId() {
    return objectId;
  }

  /** The refused fields, {@code [{field, message}]}; empty when the failure names none. */
  public JsonArray errors() {
    return errors;
  }
}
