package dev.orgplane.kit.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A JSON request body read against the fields an endpoint accepts. Fields it does not know are
 * rejected (a typo must not be silently ignored), and every problem found is collected, so the
 * caller learns all of them from one 400 answer. Call {@link #validate()} after the reads.
 */
public final class RequestBody {

  /** The longest email address accepted (see {@link #email}). */
  public static final int MAX_EMAIL = 254;
  /** No spaces, nor control characters: an address is a mail's {@code To} header, where a line break starts another. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cc}]{1,64}@[^@\\s\\p{Cc}]+\\.[^@\\s\\p{Cc}]+");
  /** What {@link #line} refuses text with a control character for. */
  private static final String ONE_LINE = "must be one line, without control characters (line breaks, tabs)";

  private final JsonObject json;
  private final List<ApiException.FieldError> errors = new ArrayList<>();

  private RequestBody(JsonObject json) {
    this.json = json;
  }

  public static RequestBody of(RoutingContext ctx, Set<String> allowedFields) {
    return of(object(ctx), allowedFields);
  }

  /**
   * The body as a JSON object: 400 {@code body_required} when there is none, {@code malformed_json} when it is not
   * JSON or not an object ({@code null} included), whichever endpoint reads it.
   */
  public static JsonObject object(RoutingContext ctx) {
    var buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw ApiException.badRequest("body_required", "A JSON object body is required.");
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(buffer);
    } catch (io.vertx.core.json.DecodeException e) {
      throw ApiException.badRequest("malformed_json", "The request body is not valid JSON.");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw ApiException.badRequest("malformed_json", "The request body must be a JSON object.");
    }
    return object;
  }

  /** A JSON object that is not the whole body, e.g. one item of an import batch. */
  public static RequestBody of(JsonObject object, Set<String> allowedFields) {
    var body = new RequestBody(object);
    object.fieldNames().stream().filter(f -> !allowedFields.contains(f)).sorted()
        .forEach(f -> body.errors.add(new ApiException.FieldError(f, "unknown field")));
    return body;
  }

  /**
   * The body of a change (PATCH), which keeps the fields it leaves out: one of {@code fields} sent as null is refused,
   * 400 {@code validation_failed} naming it, unless it is {@code clearable} (optional, stored as none), where null
   * clears it ({@link #sendsNull}). Read as left out, a null kept what its sender meant to clear (a team's
   * {@code {"title": null}} answered 200 with the title as it was), or let a write fill in its default
   * ({@code {"active": null}} made a paused hook deliver again). A required field sent as null is told so, not
   * "is required".
   */
  public static RequestBody ofPatch(RoutingContext ctx, Set<String> fields, Set<String> clearable) {
    var json = object(ctx);
    var body = of(json, fields);
    body.errors.addAll(nulls(json, fields.stream().filter(f -> !clearable.contains(f)).toList(), ""));
    return body;
  }

  /** {@link #ofPatch(RoutingContext, Set, Set)} for a change none of whose fields takes null. */
  public static RequestBody ofPatch(RoutingContext ctx, Set<String> fields) {
    return ofPatch(ctx, fields, Set.of());
  }

  /**
   * The refusals, at {@code path} + the field's name, of those of {@code fields} that {@code object} sends as null, by
   * name: {@link #ofPatch}'s rule, for a body read otherwise (setup objects, item by item of a batch).
   */
  public static List<ApiException.FieldError> nulls(JsonObject object, Collection<String> fields, String path) {
    return fields.stream().filter(f -> object.containsKey(f) && object.getValue(f) == null).sorted()
        .map(f -> new ApiException.FieldError(path + f, "must not be null")).toList();
  }

  /** Whether the body sends {@code field} as null: for a field whose null clears it (see {@link #ofPatch}). */
  public boolean sendsNull(String field) {
    return json.containsKey(field) && json.getValue(field) == null;
  }

  public String requiredString(String field, int maxLength) {
    var value = optionalString(field, maxLength);
    if (value == null && !hasError(field)) {
      errors.add(new ApiException.FieldError(field, "is required"));
    }
    return value;
  }

  public String optionalString(String field, int maxLength) {
    var value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      errors.add(new ApiException.FieldError(field, "must be a string"));
      return null;
    }
    if (s.codePointCount(0, s.length()) > maxLength) {
      errors.add(new ApiException.FieldError(field, "must be at most " + maxLength + " characters"));
      return null;
    }
    var unstorable = unstorable(s);
    if (unstorable != null) {
      errors.add(new ApiException.FieldError(field, unstorable));
      return null;
    }
    return s;
  }

  /**
   * Why {@code text} cannot be kept as it was sent, or null. PostgreSQL text cannot hold NUL: refused here, by name,
   * rather than at the INSERT. A lone UTF-16 surrogate (JSON {@code "\ud800"} without its pair) is no character at
   * all: UTF-8 encoding turned it into {@code ?} when stored, and bcrypt refused it with a 500. Text a request sends
   * otherwise than as a string field is held to it too (a hook's secret, {@link FreeFormJson}).
   */
  public static String unstorable(String text) {
    if (text.indexOf('\u0000') >= 0) {
      return "must not contain NUL characters";
    }
    // an unpaired surrogate is the one code point String.codePoints() answers from the surrogate range
    if (text.codePoints().anyMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
      return "must not contain unpaired UTF-16 surrogates";
    }
    return null;
  }

  /**
   * Text of one line: no control character (C0, line breaks and tabs among them, DEL, C1). Such text goes where a line
   * break would start something of the sender's own, a mail's subject or a log line.
   */
  public String line(String field, int maxLength, boolean required) {
    return matching(field, RequestBody::isOneLine, ONE_LINE, required, maxLength);
  }

  /**
   * {@code text}, sent as {@code field} but read otherwise (trimmed first, say), held to {@link #line}'s rule: null,
   * with the field's error recorded, when it holds a control character.
   */
  public String oneLine(String field, String text) {
    if (!isOneLine(text)) {
      errors.add(new ApiException.FieldError(field, ONE_LINE));
      return null;
    }
    return text;
  }

  private static boolean isOneLine(String text) {
    return text.codePoints().noneMatch(Character::isISOControl);
  }

  public String matching(String field, Pattern pattern, String rule, boolean required) {
    return matching(field, pattern.asMatchPredicate(), rule, required, 4096);
  }

  private String matching(String field, Predicate<String> accepted, String rule, boolean required, int maxLength) {
    var value = required ? requiredString(field, maxLength) : optionalString(field, maxLength);
    if (value != null && !accepted.test(value)) {
      errors.add(new ApiException.FieldError(field, rule));
      return null;
    }
    return value;
  }

  /**
   * An email address: one @, something on both sides, a dot in the domain; no spaces; at most
   * {@value #MAX_EMAIL} characters (RFC 5321's longest path), which also keeps it within what a
   * PostgreSQL index entry holds (a longer one failed the INSERT: 500).
   */
  public String email(String field, boolean required) {
    // read within the rule's length first, so a too long or NUL-holding address is told as such
    return matching(field, RequestBody::isEmail, "must be an email address", required, MAX_EMAIL);
  }

  /** Whether {@code value} is an address {@link #email} accepts: the rule, also for one nested deeper than a field. */
  public static boolean isEmail(String value) {
    return value.codePointCount(0, value.length()) <= MAX_EMAIL && unstorable(value) == null
        && EMAIL.matcher(value).matches();
  }

  /** A UUID in its canonical 36-character form, or null when the field is absent. */
  public UUID optionalUuid(String field) {
    var value = matching(field, Ids.UUID_SHAPE, "must be a UUID", false);
    return value == null ? null : UUID.fromString(value);
  }

  /**
   * An object stored as it is sent (metadata, a report's details), or null when absent: refused by name, as any
   * object that is not one, when {@link FreeFormJson} finds what it must not hold.
   */
  public JsonObject freeFormObject(String field) {
    var object = optionalObject(field);
    var problem = object == null ? null : FreeFormJson.problem(object);
    if (problem != null) {
      errors.add(new ApiException.FieldError(field, problem));
      return null;
    }
    return object;
  }

  public JsonObject optionalObject(String field) {
    var value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      errors.add(new ApiException.FieldError(field, "must be an object"));
      return null;
    }
    return object;
  }

  public List<String> stringList(String field, boolean required) {
    return stringList(field, required, 0, Integer.MAX_VALUE);
  }

  /**
   * {@link #stringList(String, boolean)} of at most {@code maxItems} strings, and when {@code required} of one at
   * least: an empty list asked for nothing (an add of no one answered 200), and one without bound made work, and a
   * refusal naming its entries, as large as the body.
   */
  public List<String> stringList(String field, boolean required, int maxItems) {
    return stringList(field, required, required ? 1 : 0, maxItems);
  }

  private List<String> stringList(String field, boolean required, int minItems, int maxItems) {
    var value = json.getValue(field);
    if (value == null) {
      if (required) {
        errors.add(new ApiException.FieldError(field, "is required"));
      }
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(String.class::isInstance)) {
      errors.add(new ApiException.FieldError(field, "must be an array of strings"));
      return List.of();
    }
    var strings = array.stream().map(String.class::cast).distinct().toList();
    var unstorable = strings.stream().map(RequestBody::unstorable).filter(Objects::nonNull).findFirst();
    if (unstorable.isPresent()) {
      errors.add(new ApiException.FieldError(field, unstorable.get()));
      return List.of();
    }
    if (strings.size() < minItems || strings.size() > maxItems) {
      errors.add(new ApiException.FieldError(field, minItems == 0 ? "must hold at most " + maxItems + " items"
          : "must hold " + minItems + " to " + maxItems + " items"));
      return List.of();
    }
    return strings;
  }

  /** The field's value, {@code fallback} when it is absent. */
  public boolean optionalBoolean(String field, boolean fallback) {
    var value = json.getValue(field);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof Boolean flag)) {
      errors.add(new ApiException.FieldError(field, "must be true or false"));
      return fallback;
    }
    return flag;
  }

  public boolean has(String field) {
    return json.containsKey(field);
  }

  public void reject(String field, String message) {
    errors.add(new ApiException.FieldError(field, message));
  }

  /** Throws one 400 {@code validation_failed} naming every problem, if there were any. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw ApiException.invalid("The request body is invalid.", errors);
    }
  }

  private boolean hasError(String field) {
    return errors.stream().anyMatch(e -> e.field().equals(field));
  }
}
