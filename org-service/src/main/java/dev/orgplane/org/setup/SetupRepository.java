package dev.orgplane.org.setup;

import dev.orgplane.copy.api.Existing;
import dev.orgplane.kit.http.ApiException.FieldError;
import dev.orgplane.kit.http.Timestamps;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.provisioner.ImportResult;
import dev.orgplane.org.provisioner.WantedNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * SQL for every setup kind. Writes are upserts keyed by (organization, id) and take any number of
 * items as ONE statement: the items travel as one jsonb array and {@code jsonb_to_recordset} turns
 * them into rows, so 500 objects cost one round trip.
 */
final class SetupRepository {

  /** 244 random bits from two v4 UUIDs: gen_random_uuid is built in, pgcrypto is not. */
  static final String NEW_SECRET = "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')";

  private SetupRepository() {
  }

  /** Creates or replaces the items (column-named JSON objects with an {@code id}); answers the rows. */
  static Future<List<JsonObject>> upsert(SqlClient client, SetupKind kind, UUID orgId, List<JsonObject> items) {
    var batch = new JsonArray(new ArrayList<>(items));
    return client.preparedQuery(upsertSql(kind, false) + " RETURNING *").execute(Tuple.of(orgId, batch))
        .compose(rows -> writeSecrets(client, kind, orgId, items).map(collect(kind, rows)));
  }

  /**
   * The import form of {@link #upsert}: rows that already hold exactly these values are left alone
   * (a re-run writes nothing), and what happened to each item comes back, not the rows. A new secret
   * alone makes an item updated. With {@link Existing#KEEP} rows that exist are left exactly as they are, secret
   * included, and only missing ones are created.
   */
  static Future<Map<UUID, ImportResult>> importItems(SqlClient client, SetupKind kind, UUID orgId,
      List<JsonObject> items, Existing existing) {
    var keep = existing == Existing.KEEP;
    var write = keep ? insertSql(kind) + " ON CONFLICT (org_id, id) DO NOTHING" : upsertSql(kind, true);
    return client.preparedQuery(write + " RETURNING t.id, (xmax = 0) AS created")
        .execute(Tuple.of(orgId, new JsonArray(new ArrayList<>(items))))
        .compose(rows -> (keep ? Future.succeededFuture(Set.<UUID>of()) : writeSecrets(client, kind, orgId, items))
            .map(newSecrets -> {
              var results = new LinkedHashMap<UUID, ImportResult>();
              items.stream().map(item -> UUID.fromString(item.getString("id"))).forEach(id ->
                  results.put(id, newSecrets.contains(id) ? ImportResult.UPDATED : ImportResult.UNCHANGED));
              rows.forEach(row -> results.put(row.getUUID("id"),
                  row.getBoolean("created") ? ImportResult.CREATED : ImportResult.UPDATED));
              return results;
            }));
  }

  /** The stored names of those of {@code ids} that are objects of the organization, by id. */
  static Future<Map<UUID, String>> names(SqlClient client, SetupKind kind, UUID orgId, List<UUID> ids) {
    return client.preparedQuery("SELECT id, name FROM org." + kind.table()
            + " WHERE org_id = $1 AND id = ANY ($2::uuid[])")
        .execute(Tuple.of(orgId, (Object) ids.toArray(UUID[]::new)))
        .map(rows -> {
          var names = new HashMap<UUID, String>();
          rows.forEach(row -> names.put(row.getUUID("id"), row.getString("name")));
          return names;
        });
  }

  /**
   * Frees the names that a write of many objects with one statement (a batch import, a page of copies) takes, by
   * {@link WantedNames}: names are checked row by row, so the statement met a name another of its objects gives up
   * still held unless it happened to write the giver first, never in a swap. {@code ids} and {@code wanted}: the
   * objects and the names they are written with, in order; {@code stored}: their names as {@link #names} read them.
   * With {@link Existing#KEEP} an object there already keeps its name. A refusal names the {@code i}th object's name
   * as {@code nameField.apply(i)}; {@code template}: the one the run copies, as {@link WantedNames} takes it. Answers
   * the objects outside the write that were moved out of the way, which the caller audits
   * ({@link SetupRoutes#movedAside}).
   */
  static Future<List<WantedNames.MovedAside>> freeNames(SqlClient tx, OrgAccess access, SetupKind kind,
      Existing existing, UUID template, List<UUID> ids, List<String> wanted, Map<UUID, String> stored,
      IntFunction<String> nameField) {
    var claims = IntStream.range(0, ids.size()).mapToObj(i -> {
      var current = stored.get(ids.get(i));
      return new WantedNames.Claim(ids.get(i), current,
          existing == Existing.KEEP && current != null ? current : wanted.get(i));
    }).toList();
    return WantedNames.free(tx, access, kind.names(), existing, template, claims, nameField);
  }

  private static String upsertSql(SetupKind kind, boolean skipUnchanged) {
    return insertSql(kind) + onConflict(kind, skipUnchanged, false);
  }

  private static String insertSql(SetupKind kind) {
    var values = kind.fields().stream().map(SetupRepository::valueOrDefault).collect(Collectors.joining(", "));
    return "INSERT INTO org." + kind.table() + " AS t (org_id, id, " + kind.columnList() + ") SELECT $1, x.id, "
        + values + " FROM jsonb_to_recordset($2::jsonb) AS " + kind.recordType();
  }

  /**
   * The upsert's {@code ON CONFLICT} clause: an existing row takes the new values; with
   * {@code skipUnchanged}, only if they differ (a re-run writes nothing). The secret only with
   * {@code replaceSecret} (a copy carrying the template's): a secret is never overwritten by omission, so
   * replacing a hook without naming a secret keeps its own.
   */
  static String onConflict(SetupKind kind, boolean skipUnchanged, boolean replaceSecret) {
    var replaced = kind.fields().stream().filter(f -> replaceSecret || f.type() != SetupField.Type.SECRET)
        .map(SetupField::column).toList();
    var updates = replaced.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    var sql = " ON CONFLICT (org_id, id) DO UPDATE SET " + updates + ", updated_at = now()";
    if (skipUnchanged) {
      sql += " WHERE (" + replaced.stream().map(c -> "t." + c).collect(Collectors.joining(", ")) + ") IS DISTINCT FROM ("
          + replaced.stream().map(c -> "EXCLUDED." + c).collect(Collectors.joining(", ")) + ")";
    }
    return sql;
  }

  /**
   * Sets the secrets the items name; answers the ids whose secret changed. Copies name none (the
   * target makes its own), so most imports skip this statement. A new secret moves {@code updated_at}, and so the
   * object's ETag, as any other change does: a rotation is audited as {@code hook.updated}, and a client that read the
   * hook before it has read an older version.
   */
  private static Future<Set<UUID>> writeSecrets(SqlClient client, SetupKind kind, UUID orgId, List<JsonObject> items) {
    var column = kind.fields().stream().filter(f -> f.type() == SetupField.Type.SECRET).map(SetupField::column)
        .findFirst().orElse(null);
    var secrets = new JsonArray();
    items.stream().filter(item -> column != null && item.getString(column) != null)
        .forEach(item -> secrets.add(new JsonObject().put("id", item.getString("id")).put("secret", item.getString(column))));
    if (secrets.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return client.preparedQuery("UPDATE org." + kind.table() + " t SET " + column + " = x.secret, updated_at = now() "
            + "FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, secret text) "
            + "WHERE t.org_id = $1 AND t.id = x.id AND t." + column + " IS DISTINCT FROM x.secret RETURNING t.id")
        .execute(Tuple.of(orgId, secrets))
        .map(rows -> {
          var changed = new HashSet<UUID>();
          rows.forEach(row -> changed.add(row.getUUID("id")));
          return changed;
        });
  }

  private static String valueOrDefault(SetupField field) {
    var x = "x." + field.column();
    if (field.required()) {
      return x;
    }
    return switch (field.type()) {
      case OBJECT -> "COALESCE(" + x + ", '{}'::jsonb)";
      case EVENTS, REFERENCES -> "COALESCE(" + x + ", '{}')";
      case BOOLEAN -> "COALESCE(" + x + ", true)";
      case SECRET -> "COALESCE(" + x + ", " + NEW_SECRET + ")";
      default -> x;
    };
  }

  /**
   * Broken references and run-order cycles that writing {@code changed} (column-named rows, as
   * written) introduced. Only changed objects need checking: ids never vanish in a write, so the
   * others' references still hold, and a new cycle passes through a changed object. That keeps a
   * large organization's imports linear.
   *
   * <p>{@code allCreated}: every changed object is new. Then a cycle can only run through new objects,
   * so the walk stays among them: an object that existed before could not name a new one (references are
   * checked when written, and nothing referenced can be deleted), so the step into a new object on a
   * cycle comes from a changed object, which is new too. Then the written rows are all it takes
   * ({@link NewCycles}). Copies into a fresh organization are all new. Otherwise the organization's run order is read
   * once and checked in memory all the same: the walk in the database from each changed object was quadratic in a
   * chain rewritten at once.
   *
   * <p>{@code pathOf}: what goes before a broken reference's or a cycle's field, by the row's id.
   */
  static Future<List<FieldError>> integrityProblems(SqlClient tx, SetupKind kind, UUID orgId, List<JsonObject> changed,
      boolean allCreated, Function<String, String> pathOf) {
    return lockArrayReferences(tx, orgId)
        .compose(locked -> checkedIntegrity(tx, kind, orgId, changed, allCreated, pathOf));
  }

  /**
   * Serializes, per organization, the writes whose array references (a hook's queueIds and runAfter) are checked by
   * reading other rows, with each other and with deletions of what they may name, until the transaction ends: each
   * check then runs after the one before has committed, and sees it. Without it two hooks made to run after each
   * other at once each saw no cycle, and a queue deleted while a hook was made to name it left the hook naming
   * nothing (array references have no foreign keys).
   */
  private static Future<Void> lockArrayReferences(SqlClient tx, UUID orgId) {
    return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('org.array_references:' || $1::uuid, 0))")
        .execute(Tuple.of(orgId)).mapEmpty();
  }

  /**
   * The organization's objects of {@code kind}, counted once the lock of {@link #lockArrayReferences} is held, which
   * every write of hooks takes: a count racing another write of them waits for it to commit, and sees its rows.
   */
  static Future<Long> countLocked(SqlClient tx, SetupKind kind, UUID orgId) {
    return lockArrayReferences(tx, orgId).compose(locked -> count(tx, kind, orgId));
  }

  /** The organization's objects of {@code kind}, as committed now. */
  static Future<Long> count(SqlClient client, SetupKind kind, UUID orgId) {
    return client.preparedQuery("SELECT count(*) FROM org." + kind.table() + " WHERE org_id = $1")
        .execute(Tuple.of(orgId)).map(rows -> rows.iterator().next().getLong(0));
  }

  private static Future<List<FieldError>> checkedIntegrity(SqlClient tx, SetupKind kind, UUID orgId,
      List<JsonObject> changed, boolean allCreated, Function<String, String> pathOf) {
    var checks = new ArrayList<Future<List<FieldError>>>();
    for (var ref : kind.arrayReferences()) {
      checks.add(brokenReferences(tx, ref, orgId, changed, pathOf));
    }
    var column = kind.acyclicColumn();
    // an object that runs after nothing starts no cycle: no such object, no check
    var starts = column == null ? List.<JsonObject>of() : changed.stream()
        .filter(row -> !row.getJsonArray(column, new JsonArray()).isEmpty()).toList();
    if (!starts.isEmpty()) {
      var onCycle = allCreated ? Future.succeededFuture(NewCycles.among(starts, column))
          : runOrder(tx, kind, orgId).map(next -> NewCycles.through(starts, next));
      checks.add(onCycle.map(found -> found
          .map(row -> cycle(kind, pathOf.apply(row.getString("id")), row.getString("name"))).stream().toList()));
    }
    return Future.all(checks).map(all -> {
      var problems = new ArrayList<FieldError>();
      checks.forEach(c -> problems.addAll(c.result()));
      return problems;
    });
  }

  /**
   * The organization's whole run order of {@code kind} as the transaction sees it (the write included): each object's
   * lower-case id to those it runs after. One read, bounded by ORGPLANE_HOOKS_PER_ORGANIZATION.
   */
  static Future<Map<String, List<String>>> runOrder(SqlClient tx, SetupKind kind, UUID orgId) {
    return runOrderWhere(tx, kind, "cardinality(" + kind.acyclicColumn() + ") > 0", Tuple.of(orgId));
  }

  /**
   * The run order of {@code orgId}'s objects of {@code kind} after {@code after} (a copy's later pages), those that run
   * after nothing included.
   */
  static Future<Map<String, List<String>>> runOrderAfter(SqlClient tx, SetupKind kind, UUID orgId, UUID after) {
    return runOrderWhere(tx, kind, "id > $2", Tuple.of(orgId, after));
  }

  private static Future<Map<String, List<String>>> runOrderWhere(SqlClient tx, SetupKind kind, String condition,
      Tuple params) {
    var column = kind.acyclicColumn();
    return tx.preparedQuery("SELECT id, " + column + " FROM org." + kind.table() + " WHERE org_id = $1 AND "
            + condition)
        .execute(params)
        .map(rows -> {
          var next = new HashMap<String, List<String>>();
          rows.forEach(row -> next.put(row.getUUID("id").toString(),
              Arrays.stream(row.getArrayOfUUIDs(column)).map(UUID::toString).toList()));
          return next;
        });
  }

  /** {@code path}: what goes before the field, {@code pathOf} of the object's id. */
  private static FieldError cycle(SetupKind kind, String path, String name) {
    return new FieldError(path + kind.fields().stream().filter(f -> f.column().equals(kind.acyclicColumn())).findFirst()
        .orElseThrow().json(), name + " would (indirectly) run after itself");
  }

  /**
   * The ids an array reference of the changed rows names that are no object of the organization: asked
   * once per distinct id, straight from the rows as written rather than read back from the table. Each error's
   * field is the reference's, after {@code pathOf} the row's id (a copy's names its template object).
   */
  private static Future<List<FieldError>> brokenReferences(SqlClient tx, SetupKind.Reference ref, UUID orgId,
      List<JsonObject> changed, Function<String, String> pathOf) {
    var named = changed.stream().flatMap(row -> row.getJsonArray(ref.column(), new JsonArray()).stream())
        .map(id -> UUID.fromString((String) id)).distinct().toArray(UUID[]::new);
    if (named.length == 0) {
      return Future.succeededFuture(List.of());
    }
    return tx.preparedQuery("SELECT r FROM unnest($2::uuid[]) r WHERE NOT EXISTS (SELECT 1 FROM org." + ref.target()
            + " o WHERE o.org_id = $1 AND o.id = r)")
        .execute(Tuple.of(orgId, (Object) named))
        .map(rows -> {
          var missing = new HashSet<String>();
          rows.forEach(r -> missing.add(r.getUUID("r").toString()));
          var problems = new ArrayList<FieldError>();
          for (var row : changed) {
            for (var id : row.getJsonArray(ref.column(), new JsonArray())) {
              if (problems.size() < 20 && missing.contains(((String) id).toLowerCase())) {
                problems.add(new FieldError(pathOf.apply(row.getString("id")) + ref.json(),
                    row.getString("name") + ": " + id + " is no "
                    + ref.target().replaceAll("s$", "") + " of this organization"));
              }
            }
          }
          return problems;
        });
  }

  /**
   * The references of one id each (a queue's workspaceId and schemaId) of {@code rows} (column-named, as read) that
   * name no object of the organization: an error at {@code path.apply(i)} and the field for each item {@code i} naming
   * one, found with one query over each reference's distinct ids. Their foreign keys are checked at commit, which refuses
   * the first violation it meets and tells no item.
   */
  static Future<List<FieldError>> missingKeyedReferences(SqlClient tx, SetupKind kind, UUID orgId,
      List<JsonObject> rows, IntFunction<String> path) {
    var refs = kind.keyedReferences();
    if (refs.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    var sql = IntStream.range(0, refs.size()).mapToObj(k -> "SELECT " + k + " AS ref, r FROM unnest($" + (k + 2)
            + "::uuid[]) r WHERE NOT EXISTS (SELECT 1 FROM org." + refs.get(k).target()
            + " o WHERE o.org_id = $1 AND o.id = r)")
        .collect(Collectors.joining(" UNION ALL "));
    var params = Tuple.of(orgId);
    refs.forEach(ref -> params.addValue(rows.stream().map(row -> row.getString(ref.column())).filter(Objects::nonNull)
        .map(UUID::fromString).distinct().toArray(UUID[]::new)));
    return tx.preparedQuery(sql).execute(params).map(found -> {
      var missing = refs.stream().map(ref -> new HashSet<UUID>()).toList();
      found.forEach(row -> missing.get(row.getInteger("ref")).add(row.getUUID("r")));
      var problems = new ArrayList<FieldError>();
      for (int i = 0; i < rows.size(); i++) {
        for (int k = 0; k < refs.size(); k++) {
          var id = rows.get(i).getString(refs.get(k).column());
          if (id != null && missing.get(k).contains(UUID.fromString(id))) {
            problems.add(new FieldError(path.apply(i) + refs.get(k).json(), id + " is no "
                + refs.get(k).target().replaceAll("s$", "") + " of this organization"));
          }
        }
      }
      return problems;
    });
  }

  /**
   * Names of objects whose references still point at the object about to be deleted. Array
   * references are asked with {@code @>}, which their GIN indexes answer ({@code = ANY} would read
   * every object of the organization).
   */
  static Future<List<String>> referrers(SqlClient tx, SetupKind kind, UUID orgId, UUID id) {
    var namedInArrays = kind.referencedBy().stream().anyMatch(SetupKind.Reference::array);
    return (namedInArrays ? lockArrayReferences(tx, orgId) : Future.<Void>succeededFuture())
        .compose(locked -> referrersNow(tx, kind, orgId, id));
  }

  private static Future<List<String>> referrersNow(SqlClient tx, SetupKind kind, UUID orgId, UUID id) {
    var lookups = kind.referencedBy().stream()
        .map(ref -> tx.preparedQuery("SELECT '" + ref.table().replaceAll("s$", "") + " ' || name AS who FROM org."
                + ref.table() + " WHERE org_id = $1 AND " + (ref.array() ? ref.column() + " @> ARRAY[$2::uuid]"
                : ref.column() + " = $2") + " AND id <> $2 LIMIT 20")
            .execute(Tuple.of(orgId, id))
            .map(rows -> {
              var names = new ArrayList<String>();
              rows.forEach(r -> names.add(r.getString("who")));
              return names;
            }))
        .toList();
    return Future.all(lookups).map(all -> lookups.stream().flatMap(f -> f.result().stream()).toList());
  }

  static Future<Optional<JsonObject>> find(SqlClient client, SetupKind kind, UUID orgId, UUID id, boolean forUpdate) {
    return client.preparedQuery("SELECT * FROM org." + kind.table() + " WHERE org_id = $1 AND id = $2"
            + (forUpdate ? " FOR UPDATE" : ""))
        .execute(Tuple.of(orgId, id))
        .map(rows -> collect(kind, rows).stream().findFirst());
  }

  /** A page of a list: its objects as the API shows them, and the cursor to the rest ({@code null} after the last). */
  record Listed(List<JsonObject> items, String nextCursor) {

    JsonObject answer() {
      return new JsonObject().put("items", new JsonArray(new ArrayList<>(items))).put("nextCursor", nextCursor);
    }
  }

  /** Up to {@code limit} objects after {@code after} by id, fewer if they would pass {@link PageBytes#MAX_BYTES}. */
  static Future<Listed> list(SqlClient client, SetupKind kind, UUID orgId, UUID after, int limit) {
    return client.preparedQuery(PageBytes.bounded("SELECT * FROM org." + kind.table()
            + " WHERE org_id = $1 AND id > $2 ORDER BY id"))
        .execute(Tuple.of(orgId, after, limit, PageBytes.MAX_BYTES))
        .map(rows -> {
          var read = new ArrayList<Row>();
          rows.forEach(read::add);
          return new Listed(read.stream().map(row -> toJson(kind, row)).toList(), PageBytes.nextCursor(read));
        });
  }

  static Future<Boolean> delete(SqlClient client, SetupKind kind, UUID orgId, UUID id) {
    return client.preparedQuery("DELETE FROM org." + kind.table() + " WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id)).map(rows -> rows.rowCount() > 0);
  }

  private static List<JsonObject> collect(SetupKind kind, io.vertx.sqlclient.RowSet<Row> rows) {
    var result = new ArrayList<JsonObject>();
    rows.forEach(row -> result.add(toJson(kind, row)));
    return result;
  }

  /** The API view of a row: camelCase fields as the kind names them. */
  private static JsonObject toJson(SetupKind kind, Row row) {
    var json = new JsonObject().put("id", row.getUUID("id").toString());
    kind.fields().stream().filter(f -> f.type() != SetupField.Type.SECRET).forEach(f -> {
      var value = row.getValue(f.column());
      if (value instanceof Object[] array) {
        var list = new JsonArray();
        for (var element : array) {
          list.add(element.toString());
        }
        json.put(f.json(), list);
      } else {
        json.put(f.json(), value instanceof UUID uuid ? uuid.toString() : value);
      }
    });
    return json.put("createdAt", Timestamps.iso(row.getOffsetDateTime("created_at")))
        .put("updatedAt", Timestamps.iso(row.getOffsetDateTime("updated_at")));
  }
}
