package dev.orgplane.kit.testing;

import dev.orgplane.kit.db.PgUrl;

/**
 * A trigger that makes keeping any Idempotency-Key answer in a service's schema fail, as a service killed right after
 * its work would leave it unkept: a request that keeps its answer in its work's transaction then fails whole, one that
 * keeps it after its work has done the work and answers all the same. Close it to keep answers again.
 */
public final class RefusedAnswers implements AutoCloseable {

  private final PgUrl db;
  private final String schema;

  private RefusedAnswers(PgUrl db, String schema) {
    this.db = db;
    this.schema = schema;
  }

  /** From now on, until closed, in {@code schema} ({@code org}, {@code provisioning}) of {@code db}. */
  public static RefusedAnswers in(PgUrl db, String schema) {
    PgFixture.execute(db, "CREATE FUNCTION " + schema + ".refuse_answers() RETURNS trigger LANGUAGE plpgsql AS "
        + "$$ BEGIN RAISE EXCEPTION 'answers refused'; END $$", "CREATE TRIGGER refuse_answers BEFORE UPDATE ON "
        + schema + ".idempotency_keys FOR EACH ROW WHEN (NEW.status IS NOT NULL) EXECUTE FUNCTION "
        + schema + ".refuse_answers()");
    return new RefusedAnswers(db, schema);
  }

  @Override
  public void close() {
    PgFixture.execute(db, "DROP FUNCTION " + schema + ".refuse_answers() CASCADE");
  }
}
