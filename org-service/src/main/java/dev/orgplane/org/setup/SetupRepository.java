package dev.orgplane.org.setup;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * SQL for every setup kind. Writes are upserts keyed by (organization, id) and take any number of
 * items as ONE statement: the items travel as one jsonb array and {@code jsonb_to_recordset} turns
 * them into rows, so 500 objects cost one round trip.
 */
final class SetupRepository {

  private SetupRepository() {
  }

  /** Creates or replaces the items (column-named JSON objects with an {@code id}); answers the rows. */
  static Future<List<JsonObject>> upsert(SqlClient client, SetupKind kind, UUID orgId, List<JsonObject> items) {
    var columns = kind.columnList();
    var updates = kind.fields().stream().map(f -> f.column() + " = EXCLUDED." + f.column())
        .collect(Collectors.joining(", "));
    var defaults = kind.fields().stream()
        .map(f -> f.type() == SetupField.Type.OBJECT && !f.required()
            ? "COALESCE(x." + f.column() + ", '{}'::jsonb)" : "x." + f.column())
        .collect(Collectors.joining(", "));
    var sql = "INSERT INTO org." + kind.table() + " (org_id, id, " + columns + ") SELECT $1, x.id, " + defaults
        + " FROM jsonb_to_recordset($2::jsonb) AS " + kind.recordType()
        + " ON CONFLICT (org_id, id) DO UPDATE SET " + updates + ", updated_at = now() RETURNING *";
    return client.preparedQuery(sql).execute(Tuple.of(orgId, new JsonArray(new ArrayList<>(items))))
        .map(rows -> collect(kind, rows));
  }

  static Future<Optional<JsonObject>> find(SqlClient client, SetupKind kind, UUID orgId, UUID id, boolean forUpdate) {
    return client.preparedQuery("SELECT * FROM org." + kind.table() + " WHERE org_id = $1 AND id = $2"
            + (forUpdate ? " FOR UPDATE" : ""))
        .execute(Tuple.of(orgId, id))
        .map(rows -> collect(kind, rows).stream().findFirst());
  }

  static Future<List<JsonObject>> list(SqlClient client, SetupKind kind, UUID orgId, UUID after, int fetchSize) {
    return client.preparedQuery("SELECT * FROM org." + kind.table()
            + " WHERE org_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .execute(Tuple.of(orgId, after, fetchSize))
        .map(rows -> collect(kind, rows));
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
    kind.fields().forEach(f -> {
      var value = row.getValue(f.column());
      json.put(f.json(), value instanceof UUID uuid ? uuid.toString() : value);
    });
    return json.put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
