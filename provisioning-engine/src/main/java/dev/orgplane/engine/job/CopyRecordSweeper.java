package dev.orgplane.engine.job;

import dev.orgplane.engine.orgapi.FoundOrganizations;
import dev.orgplane.engine.orgapi.OrgApiClient;
import dev.orgplane.kit.http.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets the record of copies ({@link CopiedObjects}) of target organizations that no longer exist.
 * The record outlives jobs (a later job into the same target reads it), so it is kept until
 * org-service answers that the target is gone: every period the engine asks about the targets on
 * record, {@value #BATCH} at a time in one lookup, and deletes the rows of those it does not find (the engine
 * sees every organization). Engines running side by side may sweep at the same time; deleting twice is harmless.
 */
public final class CopyRecordSweeper {

  private static final Logger LOG = LoggerFactory.getLogger(CopyRecordSweeper.class);
  private static final int BATCH = FoundOrganizations.MAX_REFS;

  /** The next targets on record after {@code $1}: a skip scan of the index, not a read of every row. */
  private static final String TARGETS = """
      WITH RECURSIVE t(target_org) AS (
        (SELECT target_org FROM provisioning.copied_objects
          WHERE target_org > $1 ORDER BY target_org LIMIT 1)
        UNION ALL
        SELECT (SELECT c.target_org FROM provisioning.copied_objects c
          WHERE c.target_org > t.target_org ORDER BY c.target_org LIMIT 1)
        FROM t WHERE t.target_org IS NOT NULL)
      SELECT target_org FROM t WHERE target_org IS NOT NULL LIMIT $2""";

  private final Vertx vertx;
  private final Pool pool;
  private final OrgApiClient org;
  private final long periodMillis;
  private long timer = -1;

  public CopyRecordSweeper(Vertx vertx, Pool pool, OrgApiClient org, long periodMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.org = org;
    this.periodMillis = periodMillis;
  }

  public void start() {
    timer = vertx.setPeriodic(periodMillis, id -> sweep()
        .onSuccess(forgotten -> {
          if (forgotten > 0) {
            LOG.info("forgot the record of copies of {} deleted organizations", forgotten);
          }
        })
        .onFailure(e -> LOG.warn("sweeping the record of copies failed; trying again in {} ms: {}", periodMillis,
            e.toString())));
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** One pass over every target on record; answers how many targets' records it deleted. */
  public Future<Integer> sweep() {
    return sweepAfter(PageRequest.FIRST_ID, 0);
  }

  private Future<Integer> sweepAfter(UUID after, int forgotten) {
    return pool.preparedQuery(TARGETS).execute(Tuple.of(after, BATCH)).compose(rows -> {
      var targets = new ArrayList<UUID>();
      rows.forEach(row -> targets.add(row.getUUID("target_org")));
      if (targets.isEmpty()) {
        return Future.succeededFuture(forgotten);
      }
      return gone(targets).compose(gone -> forget(gone).compose(v -> targets.size() < BATCH
          ? Future.succeededFuture(forgotten + gone.size())
          : sweepAfter(targets.get(targets.size() - 1), forgotten + gone.size())));
    });
  }

  /** Of {@code targets}, those org-service does not know (a failed lookup ends the pass). */
  private Future<List<UUID>> gone(List<UUID> targets) {
    return org.organizations(targets.stream().map(UUID::toString).toList())
        .map(found -> targets.stream().filter(target -> found.get(target.toString()).isEmpty()).toList());
  }

  private Future<Void> forget(List<UUID> gone) {
    if (gone.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("DELETE FROM provisioning.copied_objects WHERE target_org = ANY ($1)")
        .execute(Tuple.of((Object) gone.toArray(UUID[]::new))).mapEmpty();
  }
}
