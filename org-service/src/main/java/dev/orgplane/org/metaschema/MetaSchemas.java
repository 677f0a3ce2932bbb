package dev.orgplane.org.metaschema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.AbsoluteIri;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.resource.InputStreamSource;
import dev.orgplane.kit.async.BoundedWorkers;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.FreeFormJson;
import dev.orgplane.kit.http.NestingDepth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The meta-schemas (JSON Schema 2020-12, networknt validator) that objects' {@code metadata} must
 * match, kept in the database and compiled once per version ({@code updated_at}), however many requests want it at
 * once. A change made here is seen at once; one made through another instance within {@link #CACHE_MILLIS}. The cache
 * never takes an older version of a schema than it holds: a read that began before a change here committed, and
 * ended after it, brought the old schema back for {@link #CACHE_MILLIS}. Compiling and validating run on worker
 * threads, each within {@link #BUDGET}: a schema of 980 bytes held the event loop 8.5 s for each organization created.
 * The threads are their own ({@value #POOL_NAME}, one per core, shared by the service's instances): on Vert.x's default
 * worker pool, 20 requests each validating up to the budget held every thread it has, and all other blocking work of
 * the service waited for them. At most {@value #QUEUE_SETTING} checks wait for them; one more is refused at once, 503
 * {@code busy} with {@code Retry-After}: a burst of schemas with slow patterns queued without end, each caller waiting
 * behind all the others.
 */
public final class MetaSchemas {

  static final long CACHE_MILLIS = 5_000;
  /** How long compiling a schema, or validating one instance against it, may take. */
  static final Duration BUDGET = Duration.ofSeconds(1);
  /**
   * How long a compile cut off by the budget stands for its version before the next request compiles it again: tried
   * again by each request, a schema compiling in about the budget cost every organization created with it up to the
   * budget of a meta-schema thread, and two such requests a second kept every other validation waiting.
   */
  static final Duration BACK_OFF = Duration.ofSeconds(10);
  /** How many of its violations a refusal names: one per key of 53 KB of metadata made a 400 of 722 KB. */
  static final int NAMED_ERRORS = 20;
  static final String POOL_NAME = "orgplane-meta-schemas";
  static final int THREADS = Runtime.getRuntime().availableProcessors();
  public static final String QUEUE_SETTING = "ORGPLANE_META_SCHEMA_QUEUE";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(MetaSchemas.class);
  /** At most one check cut off by the budget is logged per schema in this time: anyone may send one again and again. */
  static final long CUT_OFF_LOG_MILLIS = 60_000;
  /**
   * Loads no schema from outside the validator: a {@code $ref} or {@code $schema} naming a URL (http, file, any) made
   * the server fetch it, on the event loop, for whoever may write a meta-schema. The JSON Schema meta-schemas come
   * with the validator ({@code https://json-schema.org/...} is mapped to its {@code classpath:draft...} copies).
   */
  private static final JsonSchemaFactory FACTORY = factory(UnknownKeywords.ignoredIn(ValidationDeadline.dialect()));
  /** {@link #FACTORY} refusing {@link UnknownKeywords}: for a schema being put only, never for one stored. */
  private static final JsonSchemaFactory REFUSING_UNKNOWN_KEYWORDS =
      factory(UnknownKeywords.refusedIn(ValidationDeadline.dialect()));
  /** The 2020-12 meta-schema itself (shipped inside the validator), to refuse schemas that are not schemas. */
  private static final JsonSchema DRAFT_2020_12 = FACTORY.getSchema(
      com.networknt.schema.SchemaLocation.of(SchemaId.V202012));

  /**
   * Places in metadata as field errors name them elsewhere ({@code items[0].name}), a key that is no identifier quoted:
   * {@code metadata['a.b']}, not {@code metadata.a.b}, the nested key's place; patterns matched within the budget.
   */
  private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
      .pathType(PathType.JSON_PATH)
      .regularExpressionFactory(ValidationDeadline.patterns())
      .build();

  private static final String SELECT = "SELECT schema, updated_at FROM org.meta_schemas WHERE name = $1";

  /** Why a meta-schema judges no instance. */
  enum Unjudged {
    LOOPS("its references loop without end"),
    SLOW("following its references or matching its patterns takes more than " + BUDGET.toSeconds() + " s");

    final String reason;

    Unjudged(String reason) {
      this.reason = reason;
    }
  }

  /**
   * A compile cut off by the budget. Held as the version's outcome for {@link #BACK_OFF} only: under less load it may
   * well compile, and held for good, it refused every organization created on the instance until the schema changed or
   * the instance restarted.
   */
  private static final class CompileCutOff extends ApiException {

    CompileCutOff() {
      super(400, "invalid_meta_schema", "Not a usable JSON Schema: " + Unjudged.SLOW.reason + ".");
    }
  }

  /** A version of a schema as stored, compiled or being compiled, and when it was last found to be the one stored. */
  private record Held(OffsetDateTime updatedAt, JsonObject source, Future<JsonSchema> compiled, long checkedAt) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final long cacheMillis;
  private final Duration budget;
  private final Duration backOff;
  private final BoundedWorkers workers;
  private final Map<String, Held> cache = new ConcurrentHashMap<>();
  /** When a check against each schema was last logged as cut off. */
  private final Map<String, Long> cutOffLogged = new ConcurrentHashMap<>();

  /** With at most {@code queue} checks waiting for a thread ({@link #queue}). */
  public MetaSchemas(Vertx vertx, Pool pool, int queue) {
    this(vertx, pool, queue, CACHE_MILLIS, BUDGET, BACK_OFF);
  }

  /** {@value #QUEUE_SETTING}: 0 or more checks waiting for a thread (0: none waits, a busy thread refuses). */
  public static int queue(Settings settings) {
    return settings.integer(QUEUE_SETTING, 0, Integer.MAX_VALUE - THREADS);
  }

  /**
   * With a cache time of {@code cacheMillis}, a budget of {@code budget} and a back-off of {@code backOff}: a test then
   * need not wait out {@link #CACHE_MILLIS} or {@link #BACK_OFF}, nor find a schema that takes longer than
   * {@link #BUDGET} to compile.
   */
  MetaSchemas(Vertx vertx, Pool pool, int queue, long cacheMillis, Duration budget, Duration backOff) {
    this.vertx = vertx;
    this.pool = pool;
    this.cacheMillis = cacheMillis;
    this.budget = budget;
    this.backOff = backOff;
    this.workers = new BoundedWorkers(vertx, POOL_NAME, THREADS, queue,
        "Too many meta-schemas are being checked at the moment; retry in a second.");
  }

  /**
   * Fails with 400 {@code validation_failed} when {@code metadata} does not match, one field error per violation (the
   * first {@link #NAMED_ERRORS} by place; the detail says how many there were), or when the schema judges no instance
   * ({@link Unjudged}), or nests deeper than {@link NestingDepth#MAX} levels (not validated then); with 503
   * {@code busy} when {@value #QUEUE_SETTING} checks wait already. {@code organization} names whose metadata it is, in
   * the log line of a check cut off by the budget.
   */
  public Future<Void> validate(String name, String organization, String field, JsonObject metadata) {
    if (NestingDepth.exceedsMax(metadata)) {
      return Future.failedFuture(NestingDepth.tooDeep(field));
    }
    return current(name)
        .compose(Held::compiled)
        .compose(schema -> workers.execute(() -> violations(schema, metadata, unjudged -> {
          if (unjudged == Unjudged.SLOW) {
            logCutOff(name, organization);
          }
          return ApiException.invalid(field + " cannot be checked against the " + name + " meta-schema.",
              List.of(new ApiException.FieldError(field, "cannot be checked against the meta-schema: "
                  + unjudged.reason)));
        })))
        .map(violations -> {
          if (!violations.isEmpty()) {
            var errors = violations.stream()
                .sorted(Comparator.comparing(m -> m.getInstanceLocation().toString()))
                .limit(NAMED_ERRORS)
                .map(m -> new ApiException.FieldError(field + m.getInstanceLocation().toString().substring(1),
                    m.getMessage()))
                .toList();
            throw ApiException.invalid(field + " does not match the " + name + " meta-schema"
                + (violations.size() > errors.size() ? " (" + violations.size() + " violations, the first "
                + errors.size() + " named)." : "."), errors);
          }
          return null;
        });
  }

  /** The schema as stored, whether or not it compiles: one that no longer does is shown, to be put right. */
  public Future<JsonObject> get(String name) {
    return current(name).map(Held::source);
  }

  /** What a {@link #put} replaced ({@code before}, empty when there was none) with what it stored. */
  public record Change(Optional<JsonObject> before, JsonObject stored) {

    /** Whether the schema is another than before: storing the one there is changes nothing but the time. */
    public boolean changed() {
      return before.map(schema -> !schema.equals(stored)).orElse(true);
    }
  }

  /**
   * Replaces a meta-schema after checking that it holds nothing {@link FreeFormJson} refuses (nesting deeper than
   * {@link NestingDepth#MAX} levels among it), compiles, is 2020-12 (one stored earlier may be another dialect), uses
   * no keyword 2020-12 does not define ({@link UnknownKeywords}; one stored earlier may), and judges {@code {}} (not
   * {@link Unjudged}), if
   * {@code precondition} accepts the one there is (empty: none yet), which it is given under the row's lock;
   * {@code audit} records the {@link Change} in the same transaction. The answer is the schema as stored: jsonb keeps
   * its keys in its own order, and a tag taken of the schema as sent would differ from the one every later read shows.
   */
  public Future<JsonObject> put(String name, JsonObject schema, Consumer<Optional<JsonObject>> precondition,
      BiFunction<SqlClient, Change, Future<Void>> audit) {
    FreeFormJson.check("schema", schema);
    return workers.execute(() -> {
      requireSchema(schema);
      // compiled once only to find unknown keywords, and first, so a schema refused for one is compiled once; the one
      // held is the compile every stored schema gets, so what passes here validates after a restart as it does now
      compile(REFUSING_UNKNOWN_KEYWORDS, schema);
      var compiled = compile(FACTORY, schema);
      var dialect = schema.getValue("$schema");
      if (dialect != null && !SchemaId.V202012.equals(dialect)) {
        // the validator took another dialect's schema under its rules: draft-07's ignored 2020-12's keywords
        throw ApiException.badRequest("invalid_meta_schema", "A meta-schema is JSON Schema 2020-12 (\"$schema\": \""
            + SchemaId.V202012 + "\", or none); it names " + dialect + ".");
      }
      violations(compiled, new JsonObject(), unjudged -> ApiException.badRequest("invalid_meta_schema",
          "Not a usable JSON Schema: " + unjudged.reason + "."));
      return compiled;
    }).compose(compiled -> pool.withTransaction(tx -> tx.preparedQuery(SELECT + " FOR UPDATE")
            .execute(Tuple.of(name))
            .compose(current -> {
              var before = current.size() == 0 ? Optional.<JsonObject>empty()
                  : Optional.of(current.iterator().next().getJsonObject("schema"));
              precondition.accept(before);
              // later than the version replaced, which the cache compares: now() is when the transaction began, and
              // of two changes at once the one that began first may commit last
              return tx.preparedQuery("INSERT INTO org.meta_schemas AS m (name, schema) VALUES ($1, $2) "
                  + "ON CONFLICT (name) DO UPDATE SET schema = EXCLUDED.schema, "
                  + "updated_at = GREATEST(clock_timestamp(), m.updated_at + interval '1 microsecond') "
                  + "RETURNING schema, updated_at")
                  .execute(Tuple.of(name, schema))
                  .compose(rows -> audit.apply(tx, new Change(before, rows.iterator().next().getJsonObject("schema")))
                      .map(rows));
            }))
        .map(rows -> {
          var row = rows.iterator().next();
          var stored = row.getJsonObject("schema");
          held(name, row.getOffsetDateTime("updated_at"), stored, () -> Future.succeededFuture(compiled));
          return stored;
        }));
  }

  private Future<Held> current(String name) {
    var held = cache.get(name);
    if (held != null && System.currentTimeMillis() - held.checkedAt() < cacheMillis) {
      return Future.succeededFuture(held);
    }
    return pool.preparedQuery(SELECT).execute(Tuple.of(name))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("meta_schema_not_found", "No meta-schema named " + name + ".");
          }
          var row = rows.iterator().next();
          var source = row.getJsonObject("schema");
          // past the queue: one compile per stored version, however many requests ask, and its outcome is held
          var current = held(name, row.getOffsetDateTime("updated_at"), source,
              () -> workers.unbounded(() -> compile(source)));
          current.compiled().onFailure(failure -> {
            if (failure instanceof CompileCutOff) {
              vertx.setTimer(backOff.toMillis(), timer -> cache.computeIfPresent(name,
                  (key, stale) -> stale.compiled() == current.compiled() ? null : stale));
            }
          });
          return current;
        });
  }

  /**
   * The version of {@code name} held, found current now, unless {@code updatedAt} is newer: then that one,
   * {@code source}, compiled once by {@code compile} (the schema was compiled again each time the cache expired, by
   * each request that found it so, though nothing had changed).
   */
  private Held held(String name, OffsetDateTime updatedAt, JsonObject source, Supplier<Future<JsonSchema>> compile) {
    var now = System.currentTimeMillis();
    return cache.compute(name, (key, held) -> held != null && !held.updatedAt().isBefore(updatedAt)
        ? new Held(held.updatedAt(), held.source(), held.compiled(), now)
        : new Held(updatedAt, source, compile.get(), now));
  }

  /** Lets the validator's own meta-schemas load (null: the next loader reads them); refuses any other. */
  private static InputStreamSource validatorsOwn(AbsoluteIri iri) {
    if (iri.toString().startsWith("classpath:draft")) {
      return null;
    }
    throw ApiException.badRequest("schema_reference_refused", "A meta-schema may refer to nothing outside itself "
        + "but the JSON Schema meta-schemas; it names " + iri + ".");
  }

  private static JsonSchemaFactory factory(JsonMetaSchema dialect) {
    return JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012))
        .metaSchema(dialect)
        .schemaLoaders(loaders -> loaders.add(MetaSchemas::validatorsOwn))
        .build();
  }

  /** Blocks: a schema's references may take up to the budget to follow. */
  private JsonSchema compile(JsonObject schema) {
    requireSchema(schema);
    return compile(FACTORY, schema);
  }

  private static void requireSchema(JsonObject schema) {
    var problems = DRAFT_2020_12.validate(tree(schema));
    if (!problems.isEmpty()) {
      throw ApiException.badRequest("invalid_meta_schema", "Not a valid JSON Schema: "
          + problems.iterator().next().getMessage());
    }
  }

  /** Blocks: {@code schema} as {@code factory} compiles it, within the budget. */
  private JsonSchema compile(JsonSchemaFactory factory, JsonObject schema) {
    try {
      return ValidationDeadline.within(budget, () -> {
        var compiled = factory.getSchema(tree(schema), CONFIG);
        compiled.initializeValidators();
        return compiled;
      });
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof ApiException refused) {
          throw refused;
        }
        if (cause instanceof ValidationDeadline.Passed) {
          throw new CompileCutOff();
        }
      }
      throw ApiException.badRequest("invalid_meta_schema", "Not a usable JSON Schema: " + e.getMessage());
    }
  }

  /**
   * Blocks: what {@code schema} finds wrong with {@code instance}, or {@code unjudged} the reason it cannot tell
   * (following its references overflowed the stack, a 500 for every organization created once such a schema was
   * stored, or took longer than the budget).
   */
  private Set<ValidationMessage> violations(JsonSchema schema, JsonObject instance,
      Function<Unjudged, ApiException> unjudged) {
    var tree = tree(instance);
    try {
      return ValidationDeadline.within(budget, () -> schema.validate(tree));
    } catch (StackOverflowError e) {
      throw unjudged.apply(Unjudged.LOOPS);
    } catch (ValidationDeadline.Passed e) {
      throw unjudged.apply(Unjudged.SLOW);
    }
  }

  /** One line a {@link #CUT_OFF_LOG_MILLIS} per schema: whoever sends such metadata again adds no more. */
  private void logCutOff(String name, String organization) {
    var now = System.currentTimeMillis();
    var due = new boolean[1];
    cutOffLogged.compute(name, (key, last) -> {
      due[0] = last == null || now - last >= CUT_OFF_LOG_MILLIS;
      return due[0] ? now : last;
    });
    if (due[0]) {
      // the organization as the request named it (a path's segment, unchecked yet): no line breaks into the log
      var shown = String.valueOf(organization).replaceAll("\\p{Cntrl}", "?");
      LOG.warn("Checking metadata of organization {} against the {} meta-schema took more than {} ms and was cut off "
          + "(refused 400; at most one such line a minute per meta-schema)", shown, name, budget.toMillis());
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode tree(JsonObject json) {
    try {
      return MAPPER.readTree(json.encode());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw ApiException.badRequest("malformed_json", "Not valid JSON.");
    }
  }
}
