package dev.orgplane.org.metaschema;

import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.KeywordFactory;
import dev.orgplane.kit.http.ApiException;

/**
 * What the validator does with a keyword JSON Schema 2020-12 does not define. It ignores one: a typo
 * ({@code propertes}) or a GET's whole answer sent back ({@code {name, schema}}) was stored as a schema that
 * constrained nothing. So a schema being put has each such keyword refused, named with its place; keywords starting
 * with {@value #OWN} are the caller's own annotations (a common convention), kept. A schema stored before compiles as
 * it always did, such keywords ignored, or every organization written after an upgrade would fail against a schema
 * that once passed.
 */
final class UnknownKeywords {

  static final String OWN = "x-";

  /**
   * Annotations, which judge nothing: as the library's own default, without its WARN for each new name (an
   * {@value #OWN} keyword is no mistake) nor its map of every name it has met.
   */
  private static final KeywordFactory IGNORED = (value, context) -> new AnnotationKeyword(value);
  /**
   * Refused as the validator meets them, where their place is known; {@value #OWN} keywords ignored. The refusal goes
   * inside the validator's own exception, which it passes on as it is: any other it logged at WARN ("Could not load
   * validator"), one line for each refused PUT, however many anyone sends.
   */
  private static final KeywordFactory REFUSED = (value, context) -> value.startsWith(OWN) ? new AnnotationKeyword(value)
      : new MadeKeyword(value, (location, path, node, parent, validation) -> {
        throw new JsonSchemaException(refusal(value, location.toString(), "JSON Schema 2020-12 defines no such "
            + "keyword, and the validator would ignore it"));
      });

  private UnknownKeywords() {
  }

  /** {@code dialect}, ignoring the keywords it does not define: for schemas stored. */
  static JsonMetaSchema ignoredIn(JsonMetaSchema dialect) {
    return JsonMetaSchema.builder(dialect).unknownKeywordFactory(IGNORED).build();
  }

  /** {@code dialect}, refusing the keywords it does not define: for a schema being put. */
  static JsonMetaSchema refusedIn(JsonMetaSchema dialect) {
    return JsonMetaSchema.builder(dialect).unknownKeywordFactory(REFUSED).build();
  }

  /** 400 {@code invalid_meta_schema} for {@code keyword} found at {@code place} (a JSON pointer). */
  static ApiException refusal(String keyword, String place, String why) {
    return ApiException.badRequest("invalid_meta_schema", "Unknown keyword \"" + keyword + "\" at " + place + ": "
        + why + " (a keyword of your own may start with \"" + OWN + "\", an annotation the validator keeps).");
  }
}
