package dev.orgplane.org.setup;

import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.ApiException.FieldError;
import dev.orgplane.org.provisioner.WantedNames;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A kind of object a template organization holds (workspaces, schemas, queues), described as data
 * so that one repository and one set of routes serve every kind alike. Table and column names here
 * are constants of the code, never caller input. {@code freeFormColumn} holds the kind's free-form
 * data, whose embedded ids a copy remaps; {@code acyclicColumn} references objects of the same kind
 * and must never form a cycle.
 */
record SetupKind(String path, String table, String noun, List<SetupField> fields, Map<String, String> referenceFields,
    List<Reference> references, List<Reference> referencedBy, String acyclicColumn, String freeFormColumn) {

  /**
   * A column of {@code table} whose ids name objects of {@code target}, shown to callers as {@code json};
   * {@code array} when it holds many ids (then no foreign key can guard it).
   */
  record Reference(String table, String column, String json, String target, boolean array) {
  }

  private static final Reference HOOK_QUEUES = new Reference("hooks", "queue_ids", "queueIds", "queues", true);
  private static final Reference HOOK_RUN_AFTER = new Reference("hooks", "run_after", "runAfter", "hooks", true);
  private static final Reference QUEUE_WORKSPACE =
      new Reference("queues", "workspace_id", "workspaceId", "workspaces", false);
  private static final Reference QUEUE_SCHEMA = new Reference("queues", "schema_id", "schemaId", "schemas", false);

  static final SetupKind WORKSPACES = new SetupKind("workspaces", "workspaces", "workspace", List.of(
      new SetupField("name", "name", SetupField.Type.NAME, true),
      new SetupField("metadata", "metadata", SetupField.Type.OBJECT, false)), Map.of(), List.of(),
      List.of(QUEUE_WORKSPACE), null, null);

  static final SetupKind SCHEMAS = new SetupKind("schemas", "schemas", "schema", List.of(
      new SetupField("name", "name", SetupField.Type.NAME, true),
      new SetupField("content", "content", SetupField.Type.OBJECT, true),
      new SetupField("metadata", "metadata", SetupField.Type.OBJECT, false)), Map.of(), List.of(),
      List.of(QUEUE_SCHEMA), null, null);

  static final SetupKind QUEUES = new SetupKind("queues", "queues", "queue", List.of(
      new SetupField("name", "name", SetupField.Type.NAME, true),
      new SetupField("workspaceId", "workspace_id", SetupField.Type.REFERENCE, true),
      new SetupField("schemaId", "schema_id", SetupField.Type.REFERENCE, true),
      new SetupField("settings", "settings", SetupField.Type.OBJECT, false),
      new SetupField("metadata", "metadata", SetupField.Type.OBJECT, false)),
      Map.of("queues_workspace_fkey", "workspaceId", "queues_schema_fkey", "schemaId"),
      List.of(QUEUE_WORKSPACE, QUEUE_SCHEMA), List.of(HOOK_QUEUES), null, "settings");

  static final SetupKind HOOKS = new SetupKind("hooks", "hooks", "hook", List.of(
      new SetupField("name", "name", SetupField.Type.NAME, true),
      new SetupField("url", "url", SetupField.Type.URL, true),
      new SetupField("events", "events", SetupField.Type.EVENTS, false),
      new SetupField("queueIds", "queue_ids", SetupField.Type.REFERENCES, false),
      new SetupField("runAfter", "run_after", SetupField.Type.REFERENCES, false),
      new SetupField("active", "active", SetupField.Type.BOOLEAN, false),
      new SetupField("config", "config", SetupField.Type.OBJECT, false),
      new SetupField("secret", "secret", SetupField.Type.SECRET, false),
      new SetupField("metadata", "metadata", SetupField.Type.OBJECT, false)),
      Map.of(), List.of(HOOK_QUEUES, HOOK_RUN_AFTER), List.of(HOOK_RUN_AFTER), "run_after", "config");

  static final List<SetupKind> ALL = List.of(WORKSPACES, SCHEMAS, QUEUES, HOOKS);

  /** PostgreSQL's detail of a unique violation on {@code (org_id, name)}. */
  private static final Pattern TAKEN_NAME = Pattern.compile("Key \\(org_id, name\\)=\\([^,]+, (.*)\\) already exists\\.");

  String permission(String action) {
    return "app_" + noun + "_" + action;
  }

  String nameConstraint() {
    return table + "_name_key";
  }

  /** Whether {@code failure} is a write's violation of {@link #nameConstraint()}: a name held already. */
  boolean nameTakenBy(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && nameConstraint().equals(pg.getConstraint());
  }

  /** The name PostgreSQL reports taken when a write violates {@link #nameConstraint()}. */
  static Optional<String> takenName(PgException violation) {
    var matcher = TAKEN_NAME.matcher(String.valueOf(violation.getDetail()));
    return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** 409 {@code name_taken}, naming the name when it is known (a batch or a copy writes many at once). */
  ApiException nameTaken(Optional<String> name, List<FieldError> errors) {
    return names().nameTaken(name, errors);
  }

  /** The kind's names as a copy frees them ({@link WantedNames}), refused as its other writes refuse them. */
  WantedNames.Kind names() {
    return new WantedNames.Kind(table, "name_taken", noun);
  }

  /** The kind's ids are unique across organizations (migration V11); across kinds, see {@code TakenIds}. */
  String idConstraint() {
    return table + "_id_key";
  }

  /** The references of one id each, which foreign keys guard at commit. */
  List<Reference> keyedReferences() {
    return references.stream().filter(ref -> !ref.array()).toList();
  }

  /** The references of many ids each, which no foreign key guards: checked by reading before commit. */
  List<Reference> arrayReferences() {
    return references.stream().filter(Reference::array).toList();
  }

  String columnList() {
    return fields.stream().map(SetupField::column).collect(Collectors.joining(", "));
  }

  /** {@code x(id uuid, name text, ...)}: the record type that jsonb_to_recordset reads items as. */
  String recordType() {
    return "x(id uuid, " + fields.stream().map(f -> f.column() + " " + f.type().sqlType)
        .collect(Collectors.joining(", ")) + ")";
  }
}
