package dev.orgplane.engine.job;

import dev.orgplane.copy.api.PageResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Jobs and their steps in the {@code provisioning} schema. */
public final class JobRepository {

  /**
   * Whether the job {@code j} may be claimed: waiting ({@link #waiting}), and copying into a target no other job
   * seems to copy into. Among the first of each batch with room (and of each group's jobs in none), the few a claim
   * looks at ({@link #CANDIDATE}), in the indexes' order (V13, V16).
   */
  private static String claimable(String j) {
    return waiting(j) + " AND (" + j + ".target_org IS NULL OR " + j + ".dry_run OR NOT EXISTS (SELECT"
        + otherWritersOf(j + ".target_org", j + ".id") + "))";
  }

  /** Whether the job {@code j} waits for an engine: queued, or running under an expired lease, no cancel asked for. */
  private static String waiting(String j) {
    return "(" + j + ".status = 'queued' OR (" + j + ".status = 'running' AND " + j + ".lease_until < now())) AND NOT "
        + j + ".cancel_requested";
  }

  /**
   * The first waiting job ({@link #waiting}) in no batch of the first group, by id, that has one and meets
   * {@code after} (comes after the group read last): a step of the claim's walk over the groups ({@link #CANDIDATE}),
   * one descent of {@code jobs_claimable_alone_by_group_idx} (V16) however many jobs the group queued. Its target is
   * not asked about here, which would double the walk's cost.
   */
  private static String firstAloneOfNextGroup(String after) {
    return "(SELECT q.group_id, coalesce(q.retried_at, q.created_at) AS queued, q.id FROM provisioning.jobs q "
        + "WHERE q.batch_id IS NULL AND " + waiting("q") + after
        + " ORDER BY q.group_id, coalesce(q.retried_at, q.created_at), q.id LIMIT 1)";
  }

  /**
   * The jobs {@code o} other than {@code job} that copy into {@code target} now: run under a live lease, and no dry
   * run (which writes nothing). Two jobs copying into one organization would meet each other's writes, whatever
   * options each has, so a job waits in the queue for the one before it ({@link #CANDIDATE}), and one that would
   * adopt a target another job copies into fails ({@link #setTarget}). Asked under the target's lock
   * ({@link #LOCK_TARGET}).
   */
  private static String otherWritersOf(String target, String job) {
    // a leading space: a text block strips the one that ends its line
    return " FROM provisioning.jobs o WHERE o.target_org = " + target + " AND o.id <> " + job
        + " AND o.status = 'running' AND o.lease_until >= now() AND NOT o.dry_run";
  }

  /**
   * Ends as cancelled the jobs whose cancel was asked for while no engine ran them (queued, or running under a
   * lease that expired: handed back by an engine that stopped, or left by one that died; their steps under way
   * pending again, {@link #stopSteps}), and queues the reports of the ends it makes ({@link EndReports#QUEUE_ENDED}):
   * the start of a claim ({@link #CANDIDATE}), and all of {@link #END_ABANDONED_CANCELS}. Read through
   * {@code jobs_cancel_waiting_idx} (V13), empty but for such jobs, so asking when there are none costs next to nothing.
   */
  private static final String ABANDONED_CANCELS_ENDED = """
      WITH ended AS (
        UPDATE provisioning.jobs SET status = 'cancelled', cancel_requested = false, finished_at = now(),
               updated_at = now(), lease_owner = NULL, lease_until = NULL
        WHERE id IN (SELECT id FROM provisioning.jobs
                     WHERE cancel_requested AND (status = 'queued' OR (status = 'running' AND lease_until < now()))
                     FOR UPDATE SKIP LOCKED)
        RETURNING id, status, error, dry_run),
      ended_steps AS (""" + stopSteps("ended", "NULL") + """
      ),
      """ + EndReports.QUEUE_ENDED;

  /**
   * Ends the abandoned jobs whose cancel was asked for ({@link #ABANDONED_CANCELS_ENDED}) without claiming any: what an
   * engine with no free slot, or no workers at all, does at each poll, so that such a job ends, and its end is
   * reported, while every engine is busy or idle (otherwise only a claim ends them, and an engine claims only with a
   * slot free).
   */
  private static final String END_ABANDONED_CANCELS = ABANDONED_CANCELS_ENDED + """

      SELECT ARRAY(SELECT id FROM ended) AS cancelled""";

  /**
   * Ends the abandoned jobs whose cancel was asked for ({@link #ABANDONED_CANCELS_ENDED}), and picks another job that
   * is queued, or running under an expired lease, whose batch seems to have room and whose target no other job seems
   * to copy into, among the first few of each batch with room (a full batch's queue is not read, V13) and of the jobs
   * in no batch. Groups take turns for the engines' slots, and so do a group's batches: the job picked is one of the
   * group running the fewest jobs now, then of its batch running the fewest (a job in no batch is a batch of its own,
   * running none), then the one queued first (a retry queues a job again), a batch's in their order. Taken oldest
   * first whoever's (until session 35), a big batch's jobs, all as old as its request, held every slot until the last
   * of them had started. The running jobs are read once, from their own index (V15). The jobs in no batch are looked
   * at group by group (V16): the first waiting job of each group that has one, then the first two claimable of the 16
   * groups these put first, in the order above. The 16 oldest of them all, as they were until session 35, could be
   * one group's and hold every other group's out of the claim. A group's first waiting job gives it its place even
   * while that job waits for its target; the two of its jobs looked at are the first the claim may take. One
   * statement, so a job is never taken over, not even to create its target, once its cancel was asked for.
   * SKIP LOCKED lets engines claim side by side without waiting for each other or taking the same job; the
   * batch's room, and the target's being free, are checked again under their locks ({@link #LOCK_BATCH},
   * {@link #LOCK_TARGET}).
   */
  private static final String CANDIDATE = ABANDONED_CANCELS_ENDED + """
      ,
      roomy AS (
        SELECT b.id, n.running FROM provisioning.batches b
          CROSS JOIN LATERAL (SELECT count(*) AS running FROM provisioning.jobs r WHERE r.batch_id = b.id
                              AND r.status = 'running' AND r.lease_until >= now()) n
        WHERE (b.jobs_queued > 0 OR b.jobs_running > 0) AND b.concurrency > n.running),
      group_load AS (
        SELECT r.group_id, count(*) AS running FROM provisioning.jobs r
        WHERE r.status = 'running' AND r.lease_until >= now() GROUP BY r.group_id),
      alone AS (
        WITH RECURSIVE heads AS (""" + firstAloneOfNextGroup("") + """
          UNION ALL
          SELECT n.* FROM heads p CROSS JOIN LATERAL""" + firstAloneOfNextGroup(" AND q.group_id > p.group_id") + """
           n),
        first_groups AS (
          SELECT h.group_id FROM heads h LEFT JOIN group_load g ON g.group_id = h.group_id
          ORDER BY coalesce(g.running, 0), h.queued, h.id LIMIT 16)
        SELECT f.id FROM first_groups p CROSS JOIN LATERAL (
          SELECT a.id FROM provisioning.jobs a WHERE a.group_id = p.group_id AND a.batch_id IS NULL AND """
      + claimable("a") + """
          ORDER BY coalesce(a.retried_at, a.created_at), a.id LIMIT 2) f),
      candidate AS (
        SELECT c.id, c.batch_id, c.target_org, c.dry_run FROM provisioning.jobs c
          LEFT JOIN roomy ON roomy.id = c.batch_id LEFT JOIN group_load g ON g.group_id = c.group_id
        WHERE c.id IN (SELECT alone.id FROM alone
                       UNION ALL
                       SELECT f.id FROM roomy CROSS JOIN LATERAL (
                         SELECT j.id FROM provisioning.jobs j WHERE j.batch_id = roomy.id AND """ + claimable("j") + """
                         ORDER BY j.created_at, j.id LIMIT 16) f)
          AND """ + claimable("c") + """
        ORDER BY coalesce(g.running, 0), coalesce(roomy.running, 0), coalesce(c.retried_at, c.created_at), c.id
        LIMIT 1
        FOR UPDATE OF c SKIP LOCKED)
      SELECT ARRAY(SELECT id FROM ended) AS cancelled, (SELECT id FROM candidate) AS id,
             (SELECT batch_id FROM candidate) AS batch_id,
             (SELECT CASE WHEN NOT dry_run THEN target_org END FROM candidate) AS written_target""";

  /**
   * Whether a batch has room for one more running job. Asked after taking the batch's row lock, in a
   * statement of its own: a statement's snapshot is taken when it starts, so a count made in the
   * statement that waited for the lock would miss the claim committed by the engine it waited for.
   */
  private static final String LOCK_BATCH = "SELECT 1 FROM provisioning.batches WHERE id = $1 FOR UPDATE";
  /**
   * The lock on a target organization that whoever starts copying into it takes, then asks (in a later statement, as
   * {@link #ROOM}: a claim's {@link #TAKE}, an adoption's {@link #TARGET_WRITER}) whether another job does already: two
   * claims or adoptions of one target take turns.
   */
  private static final String LOCK_TARGET =
      "SELECT pg_advisory_xact_lock(hashtextextended('provisioning.target:' || $1::uuid, 0))";
  private static final String TARGET_WRITER =
      "SELECT (SELECT o.id" + otherWritersOf("$1", "$2") + " LIMIT 1) AS writer";
  private static final String ROOM = """
      SELECT b.concurrency > (SELECT count(*) FROM provisioning.jobs r WHERE r.batch_id = b.id
                              AND r.status = 'running' AND r.lease_until >= now()) AS room
      FROM provisioning.batches b WHERE b.id = $1""";

  /**
   * The steps of the job {@code j} in run order, as the one JSON array {@link Job#MAPPER} reads: a job is read
   * with its steps in one statement.
   */
  private static final String STEPS = stepsFrom("provisioning.job_steps");

  /**
   * A job taken, started when this statement runs: the claim's transaction began earlier (now()), maybe before the
   * job it waited for, on its target or its batch, had ended, and a start stamped then read as running beside it.
   * Taken only if no other job copies into its target {@code $4} (null: it writes none), asked here, a statement
   * after the target's lock: the job's row is locked already, so this one waits for nothing, and its snapshot, taken
   * after the lock, sees the job that held it running. One round trip fewer than asking apart.
   */
  private static final String TAKE = """
      UPDATE provisioning.jobs j SET status = 'running', lease_owner = $2,
             lease_until = now() + $3 * interval '1 millisecond', attempts = attempts + 1,
             started_at = coalesce(started_at, statement_timestamp()), updated_at = now()
      WHERE id = $1 AND NOT EXISTS (SELECT 1""" + otherWritersOf("$4::uuid", "j.id") + """
      )
      RETURNING j.*, """ + STEPS;

  /**
   * The run's hold on its job, renewed: the job's row is updated (its lease renewed) only while the run holds it, and
   * answers whether a cancel was asked for (and the job's template, whose copies a checkpoint records). A checkpoint's
   * gate, and what a run asks before it invites the owner.
   */
  private static final String HOLD = """
      UPDATE provisioning.jobs SET updated_at = now(), lease_until = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND lease_owner = $2 AND attempts = $4 AND status = 'running'
      RETURNING cancel_requested, template_org""";

  /**
   * A page's checkpoint in one statement: the job's row is updated (its lease renewed) only while the run holds
   * it ({@link #HOLD}), and the step's counts and the page's copies are written only if it was, so a run that lost its job
   * writes nothing. The job's row is locked first, as when these were statements of one transaction. Every
   * part sees the snapshot taken before the statement waited for that lock, which the step and copy writes can
   * do with: they find their rows by keys that never change, and an UPDATE (its increments) or ON CONFLICT that
   * meets a row changed since re-reads its newest version. The step counts the page only while its checkpoint is
   * still the one the page started from, so a checkpoint sent again (its answer lost to a database that went away
   * after the commit) counts nothing twice; the copies are recorded once anyway, with the job's template, which a copy
   * recorded before the engine kept templates (V18) is given when copied again, by an UPDATE of those rows alone: an
   * upsert's DO UPDATE would lock (and log) every copy already on record even when its WHERE kept the row, and two
   * checkpoints naming the same copies would wait on each other; DO NOTHING locks none.
   */
  private static final String CHECKPOINT = "WITH held AS (" + HOLD + "), " + """
      step AS (
        UPDATE provisioning.job_steps SET cursor = $6, created = created + $7, updated = updated + $8,
               unchanged = unchanged + $9, status = $10
        WHERE job_id = $1 AND position = $5 AND status <> 'succeeded' AND cursor IS NOT DISTINCT FROM $14
          AND EXISTS (SELECT FROM held)),
      copies AS (
        INSERT INTO provisioning.copied_objects (target_org, copy_id, source_id, template_org)
        SELECT $11, c, s, held.template_org FROM held, unnest($12::uuid[], $13::uuid[]) AS x(c, s)
        ON CONFLICT DO NOTHING),
      templated AS (
        UPDATE provisioning.copied_objects o SET template_org = held.template_org
        FROM held, unnest($12::uuid[]) AS x(c)
        WHERE o.target_org = $11 AND o.copy_id = x.c AND o.template_org IS NULL)
      SELECT cancel_requested FROM held""";

  /**
   * A run's end: like a checkpoint ({@link #CHECKPOINT}), the job's row is locked first, and the report and the
   * steps are written only if the run still held the job: the failed step failed, its count raised on its newest
   * version, and the steps it left under way pending ({@link #stopSteps}). What inviting the owner came to is
   * written with the end it is part of.
   *
   * <p>An end honours a cancel asked for before it: a run that would end {@code succeeded} while a cancel is pending
   * (asked for after its last check, while the owner was being invited, say) ends {@code cancelled}. The cancel was
   * answered "running, it stops soon", and clearing it into a success would tell its caller it never happened; what
   * the run did stays recorded, its steps and what inviting the owner came to (an invitation already on its way is
   * shown as made). A failure stays {@code failed}: the job stopped either way, and why is the better answer. A
   * retry runs either again from its first step ({@link #retry(String)}).
   */
  private static final String FINISH = """
      WITH ended AS (
        UPDATE provisioning.jobs SET error = $4, finished_at = now(), updated_at = now(),
               status = CASE WHEN cancel_requested AND $3::text = 'succeeded' THEN 'cancelled' ELSE $3::text END,
               lease_owner = NULL, lease_until = NULL, cancel_requested = false, owner_invitation = $7
        WHERE id = $1 AND lease_owner = $2 AND attempts = $5
        RETURNING id, status, error, dry_run),
      ended_steps AS (""" + stopSteps("ended", "$6::int") + """
      ),
      """ + EndReports.QUEUE_ENDED + """

      SELECT FROM ended""";

  /**
   * The jobs {@code owner} runs, handed back to the queue by a stopping engine for another to resume, their steps
   * under way pending ({@link #stopSteps}).
   */
  private static final String HAND_BACK = handingBack("lease_owner = $1");
  /** One run's job, handed back as {@link #HAND_BACK} does, if the run still holds it. */
  private static final String HAND_BACK_RUN = handingBack("id = $2 AND lease_owner = $1 AND attempts = $3");

  private static String handingBack(String held) {
    return "WITH handed AS (UPDATE provisioning.jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL "
        + "WHERE status = 'running' AND " + held + " RETURNING id) " + stopSteps("handed", "NULL");
  }

  /**
   * Jobs and their steps in one statement over column arrays, so that the batch totals' triggers (V10) and the
   * round trip happen once for all the jobs, not once per job and per step: a selection queues 10,000 jobs. A
   * job's plugins come as a JSON array, as an SQL array of arrays must be rectangular; its steps are numbered
   * from 0 in their order. The client sends a missing target in a {@code jsonb[]} as JSON null, stored
   * here as SQL NULL: no target.
   */
  private static final String INSERT = """
      WITH queued AS (
        INSERT INTO provisioning.jobs (id, batch_id, requested_by, template_org, group_id, target_org, target, plugins,
               options, dry_run, owner_email, owner_is_requester)
        SELECT j.id, j.batch_id, j.requested_by, j.template_org, j.group_id, j.target_org, NULLIF(j.target, 'null'),
               ARRAY(SELECT p.plugin FROM jsonb_array_elements_text(j.plugins) WITH ORDINALITY AS p(plugin, n)
                     ORDER BY p.n),
               j.options, j.dry_run, j.owner_email, %s
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::jsonb[], $8::jsonb[],
                    $9::jsonb[], $10::boolean[], $11::text[], $12::text[])
          AS j(id, batch_id, requested_by, template_org, group_id, target_org, target, plugins, options, dry_run,
               owner_email, requester_email)
        RETURNING id, plugins)
      INSERT INTO provisioning.job_steps (job_id, position, plugin)
      SELECT q.id, s.n - 1, s.plugin FROM queued q, unnest(q.plugins) WITH ORDINALITY AS s(plugin, n)"""
      .formatted(ownerIsRequester("j.owner_email", "j.requester_email"));

  private JobRepository() {
  }

  /**
   * The UPDATE of the steps of the jobs in {@code stopped} (rows with their {@code id}) whose runs stopped: the step
   * at position {@code failedPosition} (SQL; NULL when none failed) fails, and those under way (a page copied, the
   * last not yet) are {@code pending} again, not {@code running} with no run: the next claim (of a job handed back
   * or left by an engine that died) resumes them from their checkpoints, a retry runs every step again. A step that
   * succeeded stays so. The statuses are tested in the CASE, which an UPDATE evaluates on a row's newest version: a
   * checkpoint may have committed after the statement's snapshot, while it waited for the job's row lock
   * ({@link #CHECKPOINT}); none makes a succeeded step anything else, so the WHERE may leave those out.
   */
  private static String stopSteps(String stopped, String failedPosition) {
    var failed = "position = " + failedPosition;
    return "UPDATE provisioning.job_steps SET status = CASE WHEN " + failed + " THEN 'failed' "
        + "WHEN status = 'running' THEN 'pending' ELSE status END, failed = failed + CASE WHEN " + failed
        + " THEN 1 ELSE 0 END WHERE job_id IN (SELECT id FROM " + stopped + ") AND status <> 'succeeded'";
  }

  /** Queues {@code jobs} with their steps in one statement, however many jobs there are. */
  public static Future<Void> insert(SqlClient tx, List<NewJob> jobs) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(jobs.stream().map(NewJob::id).toArray(UUID[]::new),
            jobs.stream().map(NewJob::batchId).toArray(UUID[]::new),
            jobs.stream().map(NewJob::requestedBy).toArray(UUID[]::new),
            jobs.stream().map(NewJob::templateOrg).toArray(UUID[]::new),
            jobs.stream().map(NewJob::groupId).toArray(UUID[]::new),
            jobs.stream().map(NewJob::targetOrg).toArray(UUID[]::new),
            jobs.stream().map(NewJob::target).toArray(JsonObject[]::new),
            jobs.stream().map(job -> new JsonArray(job.plugins())).toArray(JsonArray[]::new))
        .addValue(jobs.stream().map(NewJob::options).toArray(JsonObject[]::new))
        .addValue(jobs.stream().map(NewJob::dryRun).toArray(Boolean[]::new))
        .addValue(jobs.stream().map(NewJob::ownerEmail).toArray(String[]::new))
        .addValue(jobs.stream().map(NewJob::requesterEmail).toArray(String[]::new)))
        .mapEmpty();
  }

  public static Future<Optional<Job>> find(SqlClient client, UUID id) {
    return client.preparedQuery("SELECT j.*, " + STEPS + " FROM provisioning.jobs j WHERE id = $1").mapping(Job.MAPPER)
        .execute(Tuple.of(id)).map(JobRepository::first);
  }

  /**
   * A page of the jobs {@code requestedBy} asked for, filtered and in the order {@code query} asks; with a
   * {@code scope}, only those whose template or target it is (what a token scoped to that organization sees).
   */
  public static Future<List<Job>> requestedBy(SqlClient client, UUID requestedBy, UUID scope, ListQuery query) {
    var where = new WhereClause().and("requested_by = #", requestedBy);
    return page(client, requestedBySql(where, scope, query), where);
  }

  /** The statement of {@link #requestedBy}, its values added to {@code where} (the requester's condition). */
  static String requestedBySql(WhereClause where, UUID scope, ListQuery query) {
    return scope == null ? listSql(where, query) : scopedSql(where, scope, query);
  }

  /** A page of the jobs of {@code batchId}, filtered and in the order {@code query} asks. */
  public static Future<List<Job>> ofBatch(SqlClient client, UUID batchId, ListQuery query) {
    var where = new WhereClause().and("batch_id = #", batchId);
    return page(client, listSql(where, query), where);
  }

  /**
   * Every list is by an owner ({@code where}: a requester or a batch) and in id order, with an index that serves
   * each filter alone (V7, V8); a filter given together with another is checked on the rows the other finds.
   */
  private static String listSql(WhereClause where, ListQuery query) {
    filtered(where, query);
    return "SELECT j.*, " + STEPS + " FROM provisioning.jobs j WHERE " + where.sql() + order(query)
        + " LIMIT " + where.parameter(query.page().fetchSize());
  }

  /**
   * A scope's jobs are those of its template and those of its target: each read in id order from its own index (V8:
   * by requester and template; by target, which has few jobs), up to a page, and the page taken from both. No index
   * keeps {@code template_org = $n OR target_org = $n} in id order, and PostgreSQL read every job of the requester
   * through their index to find a page of a scope that holds few of them.
   */
  private static String scopedSql(WhereClause where, UUID scope, ListQuery query) {
    filtered(where, query);
    var organization = where.parameter(scope);
    var limit = " LIMIT " + where.parameter(query.page().fetchSize());
    var of = "(SELECT id FROM provisioning.jobs WHERE " + where.sql() + " AND %s = " + organization + order(query)
        + limit + ")";
    return "SELECT j.*, " + STEPS + " FROM provisioning.jobs j WHERE id IN (" + of.formatted("template_org")
        + " UNION ALL " + of.formatted("target_org") + ")" + order(query) + limit;
  }

  private static void filtered(WhereClause where, ListQuery query) {
    where.and(query.newestFirst() ? "id < #" : "id > #", query.after()).and("status = #", query.status())
        .and("template_org = #", query.template()).and("target_org = #", query.target())
        .and("batch_id = #", query.batch());
  }

  private static String order(ListQuery query) {
    return " ORDER BY id" + (query.newestFirst() ? " DESC" : "");
  }

  private static Future<List<Job>> page(SqlClient client, String sql, WhereClause where) {
    return client.preparedQuery(sql).mapping(Job.MAPPER).execute(where.values())
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).toList());
  }

  /** What a claim did: the jobs it ended as cancelled (their end reports queued) and the job it took, if any. */
  record Claim(List<UUID> cancelled, Optional<Job> job) {
  }

  /** Claims a job for {@code owner} in one transaction, ending those whose cancel was asked for first. */
  static Future<Claim> claim(Pool pool, String owner, long leaseMillis) {
    return pool.withTransaction(tx -> tx.preparedQuery(CANDIDATE).execute().compose(rows -> {
      var row = rows.iterator().next();
      var cancelled = List.of(row.getArrayOfUUIDs("cancelled"));
      var candidate = row.getUUID("id");
      return (candidate == null ? Future.succeededFuture(Optional.<Job>empty())
              : take(tx, candidate, row.getUUID("batch_id"), row.getUUID("written_target"), owner, leaseMillis))
          .map(job -> new Claim(cancelled, job));
    }));
  }

  /** Ends the abandoned jobs whose cancel was asked for, claiming none ({@link #END_ABANDONED_CANCELS}). */
  static Future<Claim> endAbandonedCancels(Pool pool) {
    return pool.preparedQuery(END_ABANDONED_CANCELS).execute()
        .map(rows -> new Claim(List.of(rows.iterator().next().getArrayOfUUIDs("cancelled")), Optional.empty()));
  }

  /**
   * Takes {@code jobId} for {@code owner} if its batch, if any, has room under the batch's lock, and the target it
   * writes into, if known, is free under the target's.
   */
  private static Future<Optional<Job>> take(SqlClient tx, UUID jobId, UUID batchId, UUID writtenTarget, String owner,
      long leaseMillis) {
    Future<Boolean> room = batchId == null ? Future.succeededFuture(true)
        : tx.preparedQuery(LOCK_BATCH).execute(Tuple.of(batchId))
            .compose(locked -> tx.preparedQuery(ROOM).execute(Tuple.of(batchId)))
            .map(rows -> rows.iterator().next().getBoolean("room"));
    return room.compose(free -> !free ? Future.succeededFuture(Optional.<Job>empty())
        : (writtenTarget == null ? Future.<Void>succeededFuture()
            : tx.preparedQuery(LOCK_TARGET).execute(Tuple.of(writtenTarget)).<Void>mapEmpty())
            .compose(locked -> tx.preparedQuery(TAKE).mapping(Job.MAPPER)
                .execute(Tuple.of(jobId, owner, leaseMillis, writtenTarget)))
            .map(JobRepository::first));
  }

  /**
   * Renews the leases of the runs {@code owner} holds; answers the jobs it still holds, each with whether its cancel
   * was asked for.
   */
  static Future<Map<UUID, Boolean>> heartbeat(SqlClient client, String owner, List<Lease> leases, long leaseMillis) {
    return client.preparedQuery("UPDATE provisioning.jobs j SET lease_until = now() + $3 * interval '1 millisecond' "
            + "FROM unnest($2::uuid[], $4::int[]) AS l(id, attempt) "
            + "WHERE j.id = l.id AND j.attempts = l.attempt AND j.lease_owner = $1 AND j.status = 'running' "
            + "RETURNING j.id, j.cancel_requested")
        .execute(Tuple.of(owner, leases.stream().map(Lease::jobId).toArray(UUID[]::new), leaseMillis,
            leases.stream().map(Lease::attempt).toArray(Integer[]::new)))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false)
            .collect(Collectors.toMap(r -> r.getUUID("id"), r -> r.getBoolean("cancel_requested"))));
  }

  /** A job other than {@code jobId} that copies into {@code target}, asked under the target's lock. */
  private static Future<Optional<UUID>> otherWriter(SqlClient tx, UUID target, UUID jobId) {
    return tx.preparedQuery(LOCK_TARGET).execute(Tuple.of(target))
        .compose(locked -> tx.preparedQuery(TARGET_WRITER).execute(Tuple.of(target, jobId)))
        .map(rows -> Optional.ofNullable(rows.iterator().next().getUUID("writer")));
  }

  /**
   * Records the organization a run copies into, if it still holds its job (else false). Fails with
   * {@link TargetBusy} if another job copies into it: a run of the same targets again while the first still runs.
   */
  static Future<Boolean> setTarget(Pool pool, Lease lease, UUID targetOrg) {
    return pool.withTransaction(tx -> otherWriter(tx, targetOrg, lease.jobId())
        .compose(writer -> writer.isPresent() ? Future.failedFuture(new TargetBusy(writer.get()))
            : recordTarget(tx, lease, targetOrg)));
  }

  /**
   * Records the organization a run copies into, or a dry run plans against, if the run still holds its job (else
   * false), without asking whether another job copies into it: a dry run's, which writes nothing there, so it neither
   * waits for another job's writes nor bars them ({@link #setTarget} asks).
   */
  static Future<Boolean> recordTarget(SqlClient client, Lease lease, UUID targetOrg) {
    return client.preparedQuery("UPDATE provisioning.jobs SET target_org = $3, updated_at = now() "
            + "WHERE id = $1 AND lease_owner = $2 AND attempts = $4 AND status = 'running'")
        .execute(Tuple.of(lease.jobId(), lease.owner(), targetOrg, lease.attempt()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Another job copies into the organization a run would record as its target. */
  static final class TargetBusy extends RuntimeException {
    final UUID writer;

    TargetBusy(UUID writer) {
      super("job " + writer + " copies into the organization now", null, false, false);
      this.writer = writer;
    }
  }

  /**
   * Persists {@code page}'s checkpoint, and records the {@code copies} it made, if the run still holds the job,
   * renewing its lease; answers whether a cancel was asked for, or empty when the lease was lost (another run
   * took over). {@code fromCursor} is where the page started: sent again, the checkpoint counts the page once.
   */
  static Future<Optional<Boolean>> checkpoint(SqlClient client, Lease lease, long leaseMillis, int position,
      String fromCursor, PageResult page, CopiedObjects.NewCopies copies) {
    var counts = page.counts();
    return client.preparedQuery(CHECKPOINT)
        .execute(Tuple.of(lease.jobId(), lease.owner(), leaseMillis, lease.attempt(), position, page.nextCursor())
            .addValue(counts.created()).addValue(counts.updated()).addValue(counts.unchanged())
            .addValue(page.last() ? "succeeded" : "running").addValue(copies.targetOrg())
            .addValue(copies.copyIds().toArray(UUID[]::new)).addValue(copies.sourceIds().toArray(UUID[]::new))
            .addValue(fromCursor))
        .map(JobRepository::cancelRequested);
  }

  /**
   * Renews the run's lease, as a checkpoint does, without one; answers whether a cancel was asked for, or empty when
   * the lease was lost.
   */
  static Future<Optional<Boolean>> hold(SqlClient client, Lease lease, long leaseMillis) {
    return client.preparedQuery(HOLD).execute(Tuple.of(lease.jobId(), lease.owner(), leaseMillis, lease.attempt()))
        .map(JobRepository::cancelRequested);
  }

  /** What {@link #HOLD} answered: whether a cancel was asked for, or empty when the run no longer holds the job. */
  private static Optional<Boolean> cancelRequested(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean("cancel_requested"));
  }

  /**
   * Ends a job that the run holds, and queues the report of its end, in one statement; a failed step is marked
   * with the one object that failed, and a succeeded job's owner invitation with what it came to ({@code null}:
   * no owner, or not asked). Does nothing if the lease was lost. A {@code succeeded} end with a cancel pending is
   * recorded {@code cancelled} ({@link #FINISH}).
   */
  static Future<Void> finish(SqlClient client, Lease lease, String status, JsonObject error, Integer failedPosition,
      String ownerInvitation) {
    return client.preparedQuery(FINISH)
        .execute(Tuple.of(lease.jobId(), lease.owner(), status, error, lease.attempt(), failedPosition)
            .addValue(ownerInvitation))
        .mapEmpty();
  }

  /** Hands the jobs {@code owner} runs back to the queue ({@link #HAND_BACK}). */
  static Future<Void> handBack(SqlClient client, String owner) {
    return client.preparedQuery(HAND_BACK).execute(Tuple.of(owner)).mapEmpty();
  }

  /** Hands the job of one run back to the queue, if the run still holds it ({@link #HAND_BACK_RUN}). */
  static Future<Void> handBack(SqlClient client, Lease lease) {
    return client.preparedQuery(HAND_BACK_RUN).execute(Tuple.of(lease.owner(), lease.jobId(), lease.attempt()))
        .mapEmpty();
  }

  /**
   * Cancels a queued job at once (queueing the report of its end in the same statement) or asks a running one
   * to stop at its next page (or, if its engine stops or dies first, at the claim that would have taken it over).
   * Answers its status now ({@code cancelled}: it ended here; {@code running}: it stops soon), or nothing if it
   * had ended.
   */
  public static Future<Map<UUID, String>> cancel(SqlClient client, UUID jobId) {
    return cancel(client, "id", jobId);
  }

  /** Cancels the jobs of {@code batchId} that have not ended, as {@link #cancel(SqlClient, UUID)} does a job. */
  public static Future<Map<UUID, String>> cancelBatch(SqlClient client, UUID batchId) {
    return cancel(client, "batch_id", batchId);
  }

  /** One statement per column naming the jobs, so each has an index condition a cached generic plan can use. */
  private static Future<Map<UUID, String>> cancel(SqlClient client, String column, UUID id) {
    return client.preparedQuery("WITH touched AS (UPDATE provisioning.jobs SET cancel_requested = (status = 'running'), "
            + "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, "
            + "finished_at = CASE WHEN status = 'queued' THEN now() END, updated_at = now() "
            + "WHERE " + column + " = $1 AND status IN ('queued', 'running') RETURNING id, status, error, dry_run), "
            + "ended AS (SELECT * FROM touched WHERE status = 'cancelled'), " + EndReports.QUEUE_ENDED
            + " SELECT id, status FROM touched")
        .execute(Tuple.of(id))
        .map(rows -> {
          var statuses = new HashMap<UUID, String>();
          rows.forEach(row -> statuses.put(row.getUUID("id"), row.getString("status")));
          return statuses;
        });
  }

  /**
   * Queues a failed or cancelled job again for {@code retriedBy}, who owns the organizations it creates from now
   * on, of address {@code retrierEmail} if a plan needs it, else null; it runs again from its first step
   * ({@link #retry(String)}). Answers the job as the retry left it (queued, its steps pending), read from the
   * statement's own writes: once it commits, an engine may claim the job before any later read. Empty if it had not
   * failed nor been cancelled.
   */
  public static Future<Optional<Job>> retry(SqlClient client, UUID jobId, UUID retriedBy, String retrierEmail) {
    return client.preparedQuery(retry("id") + "SELECT j.*, " + stepsFrom("retried_steps") + " FROM retried j")
        .mapping(Job.MAPPER).execute(Tuple.of(jobId, retriedBy, retrierEmail)).map(JobRepository::first);
  }

  /** The options of a batch's jobs, which its request gave them all alike. */
  public static Future<JsonObject> batchOptions(SqlClient client, UUID batchId) {
    return client.preparedQuery("SELECT options FROM provisioning.jobs WHERE batch_id = $1 LIMIT 1")
        .execute(Tuple.of(batchId))
        .map(rows -> rows.size() == 0 ? new JsonObject() : rows.iterator().next().getJsonObject("options"));
  }

  /**
   * Queues the failed and cancelled jobs of {@code batchId} again, as {@link #retry(SqlClient, UUID, UUID, String)}.
   */
  public static Future<List<UUID>> retryBatch(SqlClient client, UUID batchId, UUID retriedBy, String retrierEmail) {
    return client.preparedQuery(retry("batch_id") + "SELECT id FROM retried")
        .execute(Tuple.of(batchId, retriedBy, retrierEmail))
        .map(JobRepository::ids);
  }

  /** Whether a job of {@code batchId} names an owner: a plan of it needs its retrier's address then. */
  public static Future<Boolean> namesOwner(SqlClient client, UUID batchId) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM provisioning.jobs WHERE batch_id = $1 "
            + "AND owner_email IS NOT NULL) AS named")
        .execute(Tuple.of(batchId))
        .map(rows -> rows.iterator().next().getBoolean("named"));
  }

  /**
   * Every step of the jobs starts again, pending from the template's first page with nothing counted, in the same
   * statement: a retry runs the job as a new one would, over what its earlier runs wrote (written again, nothing
   * twice, {@code unchanged} where it still holds), and its counts are its own run's. Until session 33 a retry kept
   * the steps that had succeeded, which had copied the template as it was before: a team member the template gained
   * since was no member of the target, and the teams' step failed {@code not_a_member} on every retry. The jobs of one
   * statement share its {@code retried_at}, so a retried batch's jobs share their readings of the template
   * ({@link JobRunner}), and none of those read before. What inviting the owner came to is the run's to say again,
   * {@code null} until it gets there (its batch no longer counts it): until session 35 a job cancelled while its owner
   * was invited showed {@code invited} while queued and run again. Its start is the rerun's, stamped when it is
   * claimed: a retried job kept its first run's, so it showed started while queued, and its rerun's duration counted
   * the time it sat failed. Its {@code attempts} go on counting, runs across retries. Whether its owner is its
   * requester's address is told anew by each retry, of the retrier's ({@code $3}, {@link #ownerIsRequester}; null,
   * asked of no one, where no plan needs it): until session 47 a retry kept it only for whoever queued the job last
   * and cleared it for anyone else, so once cleared a plan never failed again as its requester's real run.
   */
  private static String retry(String column) {
    return "WITH retried AS (UPDATE provisioning.jobs SET status = 'queued', error = NULL, owner_invitation = NULL, "
        + "cancel_requested = false, started_at = NULL, finished_at = NULL, updated_at = now(), retried_at = now(), "
        + "owner_is_requester = " + ownerIsRequester("owner_email", "$3") + ", queued_by = $2 "
        + "WHERE " + column + " = $1 AND status IN ('failed', 'cancelled') RETURNING *), "
        + "retried_steps AS (UPDATE provisioning.job_steps SET status = 'pending', cursor = NULL, created = 0, "
        + "updated = 0, unchanged = 0, failed = 0 WHERE job_id IN (SELECT id FROM retried) RETURNING *) ";
  }

  /**
   * Whether the owner address {@code owner} is the requester's {@code requester} (SQL expressions; false where either
   * is null), told as org-service finds an account by an address: {@code lower()} of both, in the database the
   * services share, whose collation decides it ({@code org.users} is unique on {@code lower(email)}). Queueing a job
   * and retrying it both tell it here: until session 48 queueing told it in Java ({@code equalsIgnoreCase}), which
   * folds letters that {@code lower()} keeps apart (a dotless ı is an I to it), so a plan could fail as its
   * requester's, naming an address org-service finds no account of theirs by, and its retry plan the invitation.
   */
  private static String ownerIsRequester(String owner, String requester) {
    return "coalesce(lower(" + owner + ") = lower(" + requester + "), false)";
  }

  /**
   * The steps of the job {@code j} in run order, from {@code steps}: the table, or the rows a statement writes to it,
   * which the rest of that statement does not see in the table.
   */
  private static String stepsFrom(String steps) {
    return "(SELECT coalesce(json_agg(s ORDER BY s.position), '[]') FROM " + steps
        + " s WHERE s.job_id = j.id) AS steps";
  }

  private static List<UUID> ids(Iterable<Row> rows) {
    return StreamSupport.stream(rows.spliterator(), false).map(row -> row.getUUID("id")).toList();
  }

  private static Optional<Job> first(RowSet<Job> jobs) {
    var found = jobs.iterator();
    return found.hasNext() ? Optional.of(found.next()) : Optional.empty();
  }
}
