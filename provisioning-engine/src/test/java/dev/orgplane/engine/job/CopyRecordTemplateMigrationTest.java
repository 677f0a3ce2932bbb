package dev.orgplane.engine.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.engine.EngineVerticle;
import dev.orgplane.kit.testing.PgFixture;
import org.junit.jupiter.api.Test;

/** V18 keeps the copies recorded before it, of a template unknown, and V19 indexes them by target and template. */
class CopyRecordTemplateMigrationTest {

  private static final String TARGET = "00000000-0000-7000-8000-000000000018";

  @Test
  void copiesRecordedBeforeKeepNoTemplateAndTheIndexIsReady() {
    var db = PgFixture.databaseAt(EngineVerticle.MIGRATIONS, 17);
    PgFixture.execute(db, "INSERT INTO provisioning.copied_objects (target_org, copy_id, source_id) "
        + "SELECT '" + TARGET + "', gen_random_uuid(), gen_random_uuid() FROM generate_series(1, 3)");

    EngineVerticle.MIGRATIONS.applyTo(db);

    assertEquals(3, PgFixture.queryLong(db, "SELECT count(*) FROM provisioning.copied_objects WHERE target_org = '"
        + TARGET + "' AND template_org IS NULL"));
    assertEquals(1, PgFixture.queryLong(db, "SELECT count(*) FROM pg_index WHERE indexrelid = "
        + "'provisioning.copied_objects_by_template_idx'::regclass AND indisvalid"));
  }
}
