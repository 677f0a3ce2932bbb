package dev.orgplane.org.metaschema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.DynamicRefValidator;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.Keyword;
import com.networknt.schema.RefValidator;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.ValidationContext;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.Vocabularies;
import com.networknt.schema.Vocabulary;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A time limit for compiling a meta-schema or validating against it, looked at each time the validator follows a
 * reference ({@code $ref}, {@code $dynamicRef}) and as a pattern reads its string ({@link #patterns}). Without
 * references the work is bounded by the sizes of schema and instance; with them it is not: 15 {@code $defs}, each
 * {@code anyOf} two references to the next, made 2^15 paths, 2.4 s to compile and 8.5 s to validate {@code {}}. Nor
 * with patterns: java.util.regex backtracks, and {@code ^([a-z0-9]+-?)*[a-z0-9]$} took 14 s over three values of
 * 8,000 characters (the validator matches a value it has already found too long as well).
 */
final class ValidationDeadline {

  private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();
  /** How many characters a pattern reads between two looks at the clock, which costs more than reading one. */
  private static final int READS_PER_CHECK = 1024;

  /**
   * Thrown where a reference is followed, or a pattern reads on, after the deadline; nothing in the validator keeps
   * it. The validator's own kind of failure: a pattern's validator throws that on as it is, while it logs any other
   * at ERROR first, and anyone could fill the log with them by sending values too long for a schema's pattern.
   */
  static final class Passed extends JsonSchemaException {

    private Passed() {
      super("the deadline passed");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
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
   * Patterns that look at the deadline as they read (none outside {@link #within}), found as java.util.regex finds
   * them, which is how the validator's own default matches.
   */
  static RegularExpressionFactory patterns() {
    return regex -> {
      var pattern = Pattern.compile(regex);
      return value -> pattern.matcher(new Reading(value)).find();
    };
  }

  /** A string that looks at the deadline every {@link #READS_PER_CHECK} characters read of it. */
  private static final class Reading implements CharSequence {

    private final String value;
    private int reads;

    Reading(String value) {
      this.value = value;
    }

    @Override
    public char charAt(int index) {
      if (++reads == READS_PER_CHECK) {
        reads = 0;
        check();
      }
      return value.charAt(index);
    }

    @Override
    public int length() {
      return value.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Reading(value.substring(start, end));
    }

    @Override
    public String toString() {
      return value;
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
      case "$ref" -> new MadeKeyword("$ref", Ref::new);
      case "$dynamicRef" -> new MadeKeyword("$dynamicRef", DynamicRef::new);
      default -> keyword;
    };
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
