package dev.orgplane.org.setup;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.ApiException.FieldError;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Why PostgreSQL refused a page of copies, told as the caller's mistake and naming the template object. */
final class CopyRefusals {

  /** PostgreSQL's detail of a foreign-key violation: the id that names nothing. */
  private static final Pattern MISSING_REFERENCE = Pattern.compile("\\(org_id, \\w+\\)=\\([^,]+, ([0-9a-f-]{36})\\)");

  private CopyRefusals() {
  }

  /**
   * A write the database refused, as the caller's mistake naming the template object at fault
   * ({@code objects[id].field}, the id the engine reports a failed copy with): a copy whose name the
   * target uses already, or whose reference names an object not copied there. Anything else is left to
   * the routes' translation.
   */
  static Throwable naming(SetupKind kind, Throwable failure, List<Row> page, Function<String, String> copyOf) {
    if (!(failure instanceof PgException pg)) {
      return failure;
    }
    if (kind.nameTakenBy(pg)) {
      var name = SetupKind.takenName(pg);
      var errors = page.stream().filter(row -> name.isPresent() && name.get().equals(row.getString("name")))
          .map(row -> new FieldError("objects[" + row.getUUID("id") + "].name", "taken in this organization"))
          .toList();
      return kind.nameTaken(name, errors);
    }
    var missing = MISSING_REFERENCE.matcher(String.valueOf(pg.getDetail()));
    if ("23503".equals(pg.getSqlState()) && kind.referenceFields().containsKey(pg.getConstraint()) && missing.find()) {
      var json = kind.referenceFields().get(pg.getConstraint());
      var column = kind.fields().stream().filter(f -> f.json().equals(json)).findFirst().orElseThrow().column();
      var errors = page.stream().filter(row -> row.getUUID(column) != null
              && copyOf.apply(row.getUUID(column).toString()).equals(missing.group(1)))
          .map(row -> new FieldError("objects[" + row.getUUID("id") + "]." + json, "names an object not copied here"))
          .toList();
      return new ApiException(422, "invalid_reference", json + " of a copy names an object that is not copied into "
          + "this organization.", errors);
    }
    return failure;
  }
}
