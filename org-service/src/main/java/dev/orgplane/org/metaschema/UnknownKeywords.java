package dev.orgplane.org.metaschema;

import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.Keyword;
import com.networknt.schema.KeywordFactory;
import com.networknt.schema.ValidationContext;
import dev.orgplane.kit.http.ApiException;

/**
 * Refuses a keyword JSON Schema 2020-12 does not define, wherever the validator meets it in a schema, naming it and its
 * place. The validator ignores such a keyword: a typo ({@code propertes}) or a GET's whole answer sent back
 * ({@code {name, schema}}) was stored as a schema that constrained nothing. Keywords starting with {@value #OWN} are
 * the caller's own annotations (a common convention), kept. Only for a schema being put: one stored before compiles as
 * it always did, or every organization written after an upgrade would fail against a schema that once passed.
 */
final class UnknownKeywords implements KeywordFactory {

  static final String OWN = "x-";

  private UnknownKeywords() {
  }

  /** {@code dialect}, refusing the keywords it does not define. */
  static JsonMetaSchema refusedIn(JsonMetaSchema dialect) {
    return JsonMetaSchema.builder(dialect).unknownKeywordFactory(new UnknownKeywords()).build();
  }

  /** 400 {@code invalid_meta_schema} for {@code keyword} found at {@code place} (a JSON pointer). */
  static ApiException refusal(String keyword, String place, String why) {
    return ApiException.badRequest("invalid_meta_schema", "Unknown keyword \"" + keyword + "\" at " + place + ": "
        + why + " (a keyword of your own may start with \"" + OWN + "\", an annotation the validator keeps).");
  }

  @Override
  public Keyword getKeyword(String value, ValidationContext context) {
    // refused as the validator meets it, where its place is known
    return value.startsWith(OWN) ? new AnnotationKeyword(value)
        : new MadeKeyword(value, (location, path, node, parent, validation) -> {
          throw refusal(value, location.toString(), "JSON Schema 2020-12 defines no such keyword, and the validator "
              + "would ignore it");
        });
  }
}
