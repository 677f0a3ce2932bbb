package dev.orgplane.org.metaschema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.DynamicRefValidator;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonValidator;
import com.networknt.schema.Keyword;
import com.networknt.schema.RefValidator;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.ValidationContext;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.Vocabularies;
import com.networknt.schema.Vocabulary;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A time limit for compiling a meta-schema or validating against it, looked at each time the validator follows a
 * reference ({@code $ref}, {@code $dynamicRef}). Without references the work is bounded by the sizes of schema and
 * instance; with them it is not: 15 {@code $defs}, each {@code anyOf} two references to the next, made 2^15 paths,
 * 2.4 s to compile and 8.5 s to validate {@code {}}.
 */
final class ValidationDeadline {

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

  /** Thrown where a reference is followed after the deadline; nothing in the validator catches it. */
  static final class Passed extends RuntimeException {

    private Passed() {
      super("the deadline passed", null, false, false);
    }
  }

  private ValidationDeadline() {
  }

  /** {@code work}'s result, or {@link Passed} if it follows a reference more than {@code limit} after it began. */
  static <T> T within(Duration limit, Supplier<T> work) {
    DEADLINE.set(System.nanoTime() + limit.toNanos());
    try {
      return work.get();
    } finally {
      DEADLINE.remove();
    }
  }

  private static void check() {
    var deadline = DEADLINE.get();
    if (deadline != null && System.nanoTime() - deadline > 0) {
      throw new Passed();
    }
  }

  /**
   * JSON Schema 2020-12 whose references look at the deadline (none outside {@link #within}). They are replaced in
   * the vocabularies, whose keywords the meta-schema's builder puts over any given it one by one.
   */
  static JsonMetaSchema dialect() {
    return JsonMetaSchema.builder(JsonMetaSchema.getV202012())
        .vocabularyFactory(iri -> {
          var standard = Vocabularies.getVocabulary(iri);
          return standard == null ? null : new Vocabulary(iri, standard.getKeywords().stream()
              .map(ValidationDeadline::checked).toArray(Keyword[]::new));
        })
        .build();
  }

  private static Keyword checked(Keyword keyword) {
    return switch (keyword.getValue()) {
      case "$ref" -> new Checked("$ref", Ref::new);
      case "$dynamicRef" -> new Checked("$dynamicRef", DynamicRef::new);
      default -> keyword;
    };
  }

  private interface Factory {
    JsonValidator create(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent,
        ValidationContext context);
  }

  private record Checked(String value, Factory factory) implements Keyword {

    @Override
    public String getValue() {
      return value;
    }

    @Override
    public JsonValidator newValidator(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent,
        ValidationContext context) {
      return factory.create(location, path, node, parent, context);
    }
  }

  private static final class Ref extends RefValidator {

    Ref(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent, ValidationContext context) {
      super(location, path, node, parent, context);
    }

    @Override
    public Set<ValidationMessage> validate(ExecutionContext execution, JsonNode node, JsonNode root, JsonNodePath at) {
      check();
      return super.validate(execution, node, root, at);
    }

    @Override
    public void preloadJsonSchema() {
      check();
      super.preloadJsonSchema();
    }
  }

  private static final class DynamicRef extends DynamicRefValidator {

    DynamicRef(SchemaLocation location, JsonNodePath path, JsonNode node, JsonSchema parent,
        ValidationContext context) {
      super(location, path, node, parent, context);
    }

    @Override
    public Set<ValidationMessage> validate(ExecutionContext execution, JsonNode node, JsonNode root, JsonNodePath at) {
      check();
      return super.validate(execution, node, root, at);
    }

    @Override
    public void preloadJsonSchema() {
      check();
      super.preloadJsonSchema();
    }
  }
}
