package dev.orgplane.org.setup;

import dev.orgplane.copy.api.EmbeddedIds;
import dev.orgplane.copy.api.Existing;
import dev.orgplane.copy.api.IdFunction;
import dev.orgplane.org.access.OrgAccess;
import dev.orgplane.org.provisioner.ImportResult;
import dev.orgplane.org.provisioner.WantedNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A page of one organization's objects of a kind copied into another inside the database, by the rules
 * copy plugins follow: copies get the ids {@link IdFunction#nameBased} gives in the target, references
 * name the copies of what they named, ids inside the free-form column that name objects of the source
 * (or whose copies are in the target already) are remapped, and secrets are made anew (or, if the caller asks and
 * may, carried from the template: see {@code SetupRoutes}). The service reads only what it maps
 * (ids, references, free-form data) and PostgreSQL copies the rest row to row with one
 * {@code INSERT ... SELECT}, so a schema's content, say, never leaves the database.
 */
final class SetupCopy {

  /**
   * The most objects a page of a copy may hold: more than a list's 500, since only their ids and
   * references pass through the service, and a page is a transaction, an access check, an audit event
   * and a checkpoint of its own. Fewer if their ids, references and free-form data would pass
   * {@link PageBytes#MAX_BYTES}.
   */
  static final int MAX_PAGE = 5000;

  /**
   * What a page did. {@code changed}: the copies created or updated, column-named as written, for the
   * reference checks; {@code sourceIds}: the page's template ids; {@code nextCursor}: the cursor to the rest, if any;
   * {@code deferred}: copies written without some references to their own kind (see {@link #page}), which count
   * updated even if the page left them as they were, since copying the page again gives them those references;
   * {@code secretsCarriedFrom}: the template objects whose secrets the page gave copies (none unless it carries them);
   * {@code movedAside}: copies of later pages moved out of the way of a name the page takes (see {@link #page}).
   */
  record Result(List<UUID> sourceIds, String nextCursor, Function<String, String> copyOf, List<JsonObject> changed,
      long created, long updated, long unchanged, long deferred, List<UUID> secretsCarriedFrom,
      List<WantedNames.MovedAside> movedAside) {

    /** Where a refusal of the copy {@code copyId} points: {@code objects[<template id>].}, as CopyRefusals names. */
    String pathOf(String copyId) {
      return sourceIds.stream().filter(id -> copyOf.apply(id.toString()).equals(copyId)).findFirst()
          .map(id -> "objects[" + id + "].").orElse("");
    }

    /** {@code {count, created, updated, unchanged}}, as an import answers. */
    JsonObject counts() {
      return ImportResult.summary(created, updated, unchanged);
    }

    /** The API's answer: the counts, the page's template ids, the next cursor and the deferred copies. */
    JsonObject answer() {
      return counts()
          .put("sourceIds", new JsonArray(sourceIds.stream().map(UUID::toString).collect(Collectors.toList())))
          .put("nextCursor", nextCursor)
          .put("deferred", deferred);
    }
  }

  private final SetupKind kind;
  /** The columns the service maps: references, and the free-form data. */
  private final List<SetupField> mapped;
  private final String selectSql;
  private final Writes newSecrets;
  private final Writes templateSecrets;
  private final CycleClosingReferences cycleClosing;

  /** A page's writes (see {@link #page}), for one way of giving the copies their secrets. */
  private record Writes(String insert, String upsert, String keep) {
  }

  /**
   * How a page is written: {@code firstCopy} writes it by the plain insert when no copy of it is in the target yet
   * (see {@link #page}), {@code carrySecrets} gives the copies their template objects' secrets, {@code existing}
   * says whether copies already in the target are replaced or kept, and {@code copiedElsewhere} names template
   * objects whose copies are in the target in another system (the provisioning engine's record), whose ids inside
   * free-form data are remapped too ({@link #remappedInFreeForm}).
   */
  record Mode(boolean firstCopy, boolean carrySecrets, Existing existing, Set<UUID> copiedElsewhere) {

    /** The page written as copies that may exist already: an upsert, or an insert of what is missing. */
    Mode again() {
      return new Mode(false, carrySecrets, existing, copiedElsewhere);
    }
  }

  SetupCopy(SetupKind kind) {
    this.kind = kind;
    this.mapped = kind.fields().stream().filter(this::isMapped).toList();
    var read = mapped.stream().map(f -> f.column().equals(kind.freeFormColumn()) ? f.column() + "::text" : f.column());
    this.selectSql = PageBytes.bounded("SELECT " + Stream.concat(Stream.of("id", "name"), read)
        .collect(Collectors.joining(", ")) + " FROM org." + kind.table()
        + " WHERE org_id = $1 AND id > $2 ORDER BY id");
    this.newSecrets = writes(false);
    this.templateSecrets = writes(true);
    this.cycleClosing = kind.acyclicColumn() == null ? null : new CycleClosingReferences(kind);
  }

  SetupKind kind() {
    return kind;
  }

  /**
   * Copies up to {@code limit} objects of {@code source} after {@code after} into {@code target}, fewer if what the
   * service reads of them would pass {@link PageBytes#MAX_BYTES}. A
   * reference to an object of the same kind (a hook running after another) whose copy is neither in this
   * page nor in the target yet is left out, because it could not be satisfied; copying the same page
   * again once the later pages are in completes it. So is one a page replacing copies would add that would close a
   * cycle through a copy of a later page not replaced yet ({@link CycleClosingReferences}).
   *
   * <p>With {@code firstCopy}, a page none of whose copies is in the target yet is written by a plain INSERT, which
   * costs PostgreSQL a fifth less per row than the upsert (whose speculative insertion checks each key twice). Pages
   * into a new tenant, most pages, take the cheap way. Whether any copy is there is asked alongside the other lookups,
   * not learnt from a failed INSERT: that failure costs the whole transaction, and a re-run into an existing tenant
   * (or the hooks' second, linking pass) would pay a page read and a rollback for every page. Only a copy committed
   * between the question and the INSERT (or a name taken in the target) still fails it on a unique index
   * ({@link CopiesExist}), and the caller copies the page again, in a new transaction, without it.
   *
   * <p>A page that replaces copies first frees the names they take ({@link WantedNames}): its own copies that give a
   * name up, and in a rollout copies of later pages whose template object is named otherwise now, move to a temporary
   * name, so that renames in the template (a chain, a swap) reach the copies whatever the order of the rows. Those of
   * later pages are audited one by one (the page's own copies only by its {@code <kind>.copied}): a rollout that
   * stops before their page leaves them so.
   *
   * <p>With {@link Existing#KEEP} copies in the target already stay exactly as they are and count unchanged, with
   * one exception that only completes a copy: a copy nobody has changed since it was made ({@code updated_at =
   * created_at}), made from its template object as it is now (not changed since), that lacks references to its own
   * kind the template's object has, left out (deferred) when it was made, takes them (and counts updated). That is
   * how the second pass of a copy that deferred some completes the copies its first pass made.
   */
  Future<Result> page(SqlClient tx, UUID source, OrgAccess targetAccess, UUID after, int limit, Mode mode) {
    var target = targetAccess.orgId();
    return tx.preparedQuery(selectSql).execute(Tuple.of(source, after, limit, PageBytes.MAX_BYTES))
        .compose(rows -> {
          var read = new ArrayList<Row>();
          rows.forEach(read::add);
          var sourceIds = read.stream().map(row -> row.getUUID("id")).toList();
          var nextCursor = PageBytes.nextCursor(read);
          var page = TemplatePage.of(read, target, kind.freeFormColumn());
          // what the write needs, sent together: the connection pipelines the statements, so they cost one wait
          var copied = namesInTarget(tx, target, page);
          var remappedIds = remappedInFreeForm(tx, source, target, page, mode.copiedElsewhere());
          var satisfiable = sameKindCopiesInTarget(tx, target, page);
          return Future.all(copied, remappedIds, satisfiable, referencesCheckedNow(tx))
              .compose(lookedUp -> {
                var insertOnly = mode.firstCopy() && copied.result().isEmpty();
                var writeMode = insertOnly ? mode : mode.again();
                var linkable = linkable(tx, source, target, page, satisfiable.result(), writeMode);
                return namesFreed(tx, source, targetAccess, page, copied.result(), writeMode)
                    .compose(moved -> linkable.compose(links -> write(tx, source, target, page, remappedIds.result(),
                        links, writeMode))
                        .map(written -> new Result(sourceIds, nextCursor, page.copyOf(), written.changed(),
                            written.created(), written.updated(),
                            page.rows().size() - written.created() - written.updated(),
                            written.deferred(), secretsCarried(page, written, mode), moved)))
                    .recover(failure -> Future.failedFuture(insertOnly && isUniqueViolation(failure)
                        ? new CopiesExist() : CopyRefusals.naming(kind, failure, page.rows(), page.copyOf())));
              });
        });
  }

  /**
   * The template objects whose secrets the page gave their copies: with {@code carrySecrets}, those of the copies it
   * created, and of those it updated unless it keeps existing copies (a kept copy updated only takes references).
   */
  private static List<UUID> secretsCarried(TemplatePage page, Written written, Mode mode) {
    if (!mode.carrySecrets()) {
      return List.of();
    }
    var given = written.changed().stream().map(copy -> copy.getString("id"))
        .filter(id -> mode.existing() != Existing.KEEP || written.createdIds().contains(id))
        .collect(Collectors.toSet());
    var carried = new ArrayList<UUID>();
    for (int i = 0; i < page.rows().size(); i++) {
      if (given.contains(page.copyIds().get(i))) {
        carried.add(page.rows().get(i).getUUID("id"));
      }
    }
    return carried;
  }

  /** The names of the page's copies in the target, by id: none when none is there yet (see {@link #page}). */
  private Future<Map<UUID, String>> namesInTarget(SqlClient tx, UUID target, TemplatePage page) {
    if (page.rows().isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return SetupRepository.names(tx, kind, target, page.copyIds().stream().map(UUID::fromString).toList());
  }

  /**
   * Frees the names a page that replaces copies takes (see {@link #page}). One statement writes the page, and names
   * are checked row by row, so without it a copy renamed to a name another copy gives up met it still held unless
   * the join happened to write the giver first: never in a swap, nor when the giver is on a later page. A name the
   * tenant's own object holds is refused naming the template object, {@code objects[<id>].name}. Nothing is read
   * unless a copy changes its name. Only copies of {@code source}'s objects are moved, as a rollout of it names them
   * again. Answers the copies of later pages moved out of the way.
   */
  private Future<List<WantedNames.MovedAside>> namesFreed(SqlClient tx, UUID source, OrgAccess target,
      TemplatePage page, Map<UUID, String> copied, Mode mode) {
    if (mode.firstCopy() || mode.existing() == Existing.KEEP) {
      return Future.succeededFuture(List.of());
    }
    return SetupRepository.freeNames(tx, target, kind, mode.existing(), source,
        page.copyIds().stream().map(UUID::fromString).toList(),
        page.rows().stream().map(row -> row.getString("name")).toList(), copied,
        i -> "objects[" + page.rows().get(i).getUUID("id") + "].name");
  }

  /** A first copy of a page found a copy there already (or a name or id taken: the upsert tells which). */
  static final class CopiesExist extends RuntimeException {
    CopiesExist() {
      super("a copy of the page exists in the target already", null, false, false);
    }
  }

  private static boolean isUniqueViolation(Throwable failure) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /**
   * A page of template rows, the ids of their copies and their free-form data parsed (null where it
   * holds no id, or the kind has none), each worked out once.
   */
  private record TemplatePage(List<Row> rows, List<String> copyIds, Function<String, String> copyOf,
      List<JsonObject> freeForm) {

    static TemplatePage of(List<Row> rows, UUID target, String freeFormColumn) {
      var copyOf = IdFunction.nameBasedIn(target.toString());
      var freeForm = new ArrayList<JsonObject>(rows.size());
      rows.forEach(row -> {
        var text = freeFormColumn == null ? null : row.getString(freeFormColumn);
        freeForm.add(text != null && EmbeddedIds.mayHold(text) ? new JsonObject(text) : null);
      });
      return new TemplatePage(rows, rows.stream().map(row -> copyOf.apply(row.getUUID("id").toString())).toList(),
          copyOf, freeForm);
    }
  }

  /**
   * References are foreign keys checked at commit (an import may write an object before what it names);
   * a copy has them checked by its own statement, so that a refusal can name the template object.
   */
  private Future<Void> referencesCheckedNow(SqlClient tx) {
    return kind.referenceFields().isEmpty() ? Future.succeededFuture()
        : tx.query("SET CONSTRAINTS ALL IMMEDIATE").execute().mapEmpty();
  }

  private boolean isMapped(SetupField field) {
    return field.type() == SetupField.Type.REFERENCE || field.type() == SetupField.Type.REFERENCES
        || field.column().equals(kind.freeFormColumn());
  }

  /**
   * Of the ids inside the page's free-form data, those to remap: the ids of the source's objects, of
   * objects whose copy is in the target already (the source may have lost them since), and of those
   * {@code copiedElsewhere} (copied into another system, which only the engine's record tells). The source's count
   * whether or not they are copied yet, so that what a copy holds never depends on the order of the copy: a
   * queue naming a queue of a later page as its dead letter, or a hook, whose kind is copied later, names
   * its copy all the same, as the engine's plans and diffs, made after the whole copy, expect.
   */
  private Future<Set<String>> remappedInFreeForm(SqlClient tx, UUID source, UUID target, TemplatePage page,
      Set<UUID> copiedElsewhere) {
    var candidates = new HashSet<String>();
    page.freeForm().stream().filter(Objects::nonNull).forEach(json -> EmbeddedIds.collect(json, candidates));
    if (candidates.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    var sourceOfCopy = candidates.stream()
        .collect(Collectors.toMap(id -> UUID.fromString(page.copyOf().apply(id)), id -> id));
    var inSource = ExistingObjects.among(tx, source, candidates.stream().map(UUID::fromString).toList());
    var copied = ExistingObjects.among(tx, target, sourceOfCopy.keySet());
    return Future.all(inSource, copied).map(both -> {
      var remapped = inSource.result().stream().map(UUID::toString).collect(Collectors.toSet());
      copied.result().forEach(copy -> remapped.add(sourceOfCopy.get(copy)));
      candidates.stream().filter(id -> copiedElsewhere.contains(UUID.fromString(id))).forEach(remapped::add);
      return remapped;
    });
  }

  /**
   * The copies that references to the kind itself may name: the page's own and those already in the
   * target ({@code null} for kinds that do not refer to themselves).
   */
  private Future<Set<String>> sameKindCopiesInTarget(SqlClient tx, UUID target, TemplatePage page) {
    if (kind.acyclicColumn() == null) {
      return Future.succeededFuture(null);
    }
    var satisfiable = new HashSet<>(page.copyIds());
    var elsewhere = page.rows().stream().flatMap(row -> Stream.of(row.getArrayOfUUIDs(kind.acyclicColumn())))
        .map(id -> page.copyOf().apply(id.toString())).filter(copy -> !satisfiable.contains(copy)).distinct()
        .map(UUID::fromString).toArray(UUID[]::new);
    if (elsewhere.length == 0) {
      return Future.succeededFuture(satisfiable);
    }
    return tx.preparedQuery("SELECT id FROM org." + kind.table() + " WHERE org_id = $1 AND id = ANY ($2)")
        .execute(Tuple.of(target, (Object) elsewhere))
        .map(rows -> {
          rows.forEach(row -> satisfiable.add(row.getUUID("id").toString()));
          return satisfiable;
        });
  }

  /**
   * Which references to the kind itself a page writes now: those to copies it or the target holds
   * ({@code copies}), but not those it would add that would close a cycle ({@code closingCycles}, by copy id).
   */
  private record Linkable(Set<String> copies, Map<String, Set<String>> closingCycles) {

    boolean now(String copy, String referenced) {
      return copies.contains(referenced) && !closingCycles.getOrDefault(copy, Set.of()).contains(referenced);
    }
  }

  /**
   * The page's {@link Linkable} references, given the copies they may name ({@code null} for kinds that do not refer
   * to themselves). Only a page that replaces copies can close a cycle: a new copy is named by none yet, and a kept
   * one takes no reference but those left out when it was made. And only one with a reference that leaves it: a cycle
   * among its own copies would be one of the template.
   */
  private Future<Linkable> linkable(SqlClient tx, UUID source, UUID target, TemplatePage page, Set<String> copies,
      Mode mode) {
    if (copies == null || mode.firstCopy() || mode.existing() == Existing.KEEP) {
      return Future.succeededFuture(new Linkable(copies, Map.of()));
    }
    var onPage = Set.copyOf(page.copyIds());
    var from = new ArrayList<UUID>();
    var to = new ArrayList<UUID>();
    var leavesPage = false;
    for (int i = 0; i < page.rows().size(); i++) {
      for (var id : page.rows().get(i).getArrayOfUUIDs(kind.acyclicColumn())) {
        var copy = page.copyOf().apply(id.toString());
        if (copies.contains(copy)) {
          from.add(UUID.fromString(page.copyIds().get(i)));
          to.add(UUID.fromString(copy));
          leavesPage |= !onPage.contains(copy);
        }
      }
    }
    if (!leavesPage) {
      return Future.succeededFuture(new Linkable(copies, Map.of()));
    }
    var lastOfPage = page.rows().get(page.rows().size() - 1).getUUID("id");
    return cycleClosing.among(tx, source, lastOfPage, page.copyOf(), target,
            page.copyIds().stream().map(UUID::fromString).toList(), from, to)
        .map(closing -> new Linkable(copies, closing));
  }

  private record Written(List<JsonObject> changed, Set<String> createdIds, long updated, long deferred) {

    long created() {
      return createdIds.size();
    }
  }

  /**
   * One statement for the page: the mapped values travel as parallel arrays (one per mapped column) and
   * are joined to the template's rows, which give everything else.
   */
  private Future<Written> write(SqlClient tx, UUID source, UUID target, TemplatePage page,
      Set<String> remappedIds, Linkable linkable, Mode mode) {
    var rows = page.rows();
    if (rows.isEmpty()) {
      return Future.succeededFuture(new Written(List.of(), Set.of(), 0, 0));
    }
    var copyOf = page.copyOf();
    var deferred = new HashSet<Integer>();
    var params = Tuple.tuple().addValue(target).addValue(source)
        .addValue(rows.stream().map(row -> row.getUUID("id")).toArray(UUID[]::new))
        .addValue(page.copyIds().stream().map(UUID::fromString).toArray(UUID[]::new));
    var asWritten = new ArrayList<JsonObject>();
    for (int i = 0; i < rows.size(); i++) {
      asWritten.add(new JsonObject().put("id", page.copyIds().get(i)).put("name", rows.get(i).getString("name")));
    }
    for (var field : mapped) {
      // typed as the column's parameter: the client encodes a UUID[] as uuid[] and a String[] as text[]
      Object[] values = field.type() == SetupField.Type.REFERENCE ? new UUID[rows.size()] : new String[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        var row = rows.get(i);
        values[i] = switch (field.type()) {
          case REFERENCE -> row.getUUID(field.column()) == null ? null
              : UUID.fromString(copyOf.apply(row.getUUID(field.column()).toString()));
          case REFERENCES -> {
            var copies = new JsonArray();
            var sameKind = field.column().equals(kind.acyclicColumn());
            for (var id : row.getArrayOfUUIDs(field.column())) {
              var copy = copyOf.apply(id.toString());
              if (!sameKind || linkable.now(page.copyIds().get(i), copy)) {
                copies.add(copy);
              } else {
                deferred.add(i);
              }
            }
            asWritten.get(i).put(field.column(), copies);
            yield copies.stream().map(String.class::cast).collect(Collectors.joining(",", "{", "}"));
          }
          default -> remapped(page.freeForm().get(i), copyOf, remappedIds);
        };
      }
      params.addValue(values);
    }
    var writes = mode.carrySecrets() ? templateSecrets : newSecrets;
    var statement = mode.firstCopy() ? writes.insert() : mode.existing() == Existing.KEEP ? writes.keep()
        : writes.upsert();
    return tx.preparedQuery(statement).execute(params).map(returned -> {
      var changedIds = new HashSet<String>();
      var createdIds = new HashSet<String>();
      for (var row : returned) {
        var id = row.getUUID("id").toString();
        changedIds.add(id);
        if (row.getBoolean("created")) {
          createdIds.add(id);
        }
      }
      var changed = asWritten.stream().filter(copy -> changedIds.contains(copy.getString("id"))).toList();
      return new Written(changed, createdIds, changedIds.size() - createdIds.size()
          + completedLater(page, deferred, changedIds, mode), deferred.size());
    });
  }

  /**
   * The copies replaced as they were but for references the page left out ({@code deferred}, by row): the copy does
   * not hold them (a reference it held is never left out), so copying the pages again changes these copies, and they
   * count updated now, as a plan of the copy counts them. The hooks plugin's second pass counts nothing, so counted
   * unchanged they were counted nowhere. A kept copy stays as it is.
   */
  private static long completedLater(TemplatePage page, Set<Integer> deferred, Set<String> changedIds, Mode mode) {
    if (mode.existing() == Existing.KEEP) {
      return 0;
    }
    return deferred.stream().filter(i -> !changedIds.contains(page.copyIds().get(i))).count();
  }

  /** The free-form data with embedded ids remapped, or {@code null} when the template's may be copied as it is. */
  private static String remapped(JsonObject json, Function<String, String> copyOf, Set<String> remappedIds) {
    if (json == null || remappedIds.isEmpty()) {
      return null;
    }
    var remapped = (JsonObject) EmbeddedIds.replace(json, id -> remappedIds.contains(id) ? copyOf.apply(id) : null);
    return remapped.equals(json) ? null : remapped.encode();
  }

  /**
   * The plain insert and the upsert; with {@code carrySecrets}, the copies' secrets are the template's, and an
   * upsert replaces a copy's own; the insert that keeps existing copies leaves them theirs.
   */
  private Writes writes(boolean carrySecrets) {
    var returning = " RETURNING t.id, (xmax = 0) AS created";
    return new Writes(insertStatement(" RETURNING t.id, true AS created", carrySecrets),
        insertStatement(SetupRepository.onConflict(kind, true, carrySecrets) + returning, carrySecrets),
        insertStatement(keepingExisting() + returning, carrySecrets));
  }

  /**
   * The conflict clause that keeps existing copies (see {@link #page}): nothing, or, for a kind that refers to itself,
   * the completion of the references a copy nobody changed since it was made lacks. Only if its template object has
   * not changed since the copy was made either: then what the copy lacks was left out when it was made, while a
   * reference the template object gained later is a change of the template, which a kept copy does not take.
   */
  private String keepingExisting() {
    var own = kind.acyclicColumn();
    if (own == null) {
      return " ON CONFLICT (org_id, id) DO NOTHING";
    }
    return " ON CONFLICT (org_id, id) DO UPDATE SET " + own + " = EXCLUDED." + own + ", updated_at = now()"
        + " WHERE t.updated_at = t.created_at AND t." + own + " <@ EXCLUDED." + own + " AND NOT t." + own
        + " @> EXCLUDED." + own + " AND t.created_at >= (SELECT s.updated_at FROM org." + kind.table() + " s"
        // the template object of copy t: the page's template ids ($3) and copy ids ($4) are parallel arrays
        + " WHERE s.org_id = $2 AND s.id = ($3::uuid[])[array_position($4::uuid[], t.id)])";
  }

  /** The page's INSERT, ended by {@code tail}: the conflict clause, if any, and RETURNING. */
  private String insertStatement(String tail, boolean carrySecrets) {
    var arrays = new ArrayList<String>(List.of("$3::uuid[]", "$4::uuid[]"));
    var names = new ArrayList<String>(List.of("source_id", "copy_id"));
    for (var field : mapped) {
      arrays.add("$" + (arrays.size() + 3) + (field.type() == SetupField.Type.REFERENCE ? "::uuid[]" : "::text[]"));
      names.add(field.column());
    }
    var values = kind.fields().stream().map(field -> switch (field.type()) {
      case REFERENCE -> "m." + field.column();
      case REFERENCES -> "m." + field.column() + "::uuid[]";
      case SECRET -> carrySecrets ? "s." + field.column() : SetupRepository.NEW_SECRET;
      default -> field.column().equals(kind.freeFormColumn())
          ? "COALESCE(m." + field.column() + "::jsonb, s." + field.column() + ")" : "s." + field.column();
    }).collect(Collectors.joining(", "));
    return "INSERT INTO org." + kind.table() + " AS t (org_id, id, " + kind.columnList() + ") SELECT $1, m.copy_id, "
        + values + " FROM unnest(" + String.join(", ", arrays) + ") AS m(" + String.join(", ", names) + ") JOIN org."
        + kind.table() + " s ON s.org_id = $2 AND s.id = m.source_id" + tail;
  }
}
