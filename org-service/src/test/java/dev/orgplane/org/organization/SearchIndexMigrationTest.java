package dev.orgplane.org.organization;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V48 takes pg_trgm where an administrator created it beforehand, in a schema of its own, as for a service user that
 * may not create extensions: the indexes name its operator class there, which no search path of ours holds.
 */
class SearchIndexMigrationTest {

  @Test
  void trigramIndexesUseTheExtensionWhereverItWasCreated() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 47);
    PgFixture.execute(db, "CREATE SCHEMA extensions", "CREATE EXTENSION pg_trgm SCHEMA extensions");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(2, PgFixture.queryLong(db, "SELECT count(*) FROM pg_indexes WHERE schemaname = 'org' "
        + "AND indexname IN ('organizations_name_trgm_idx', 'organizations_title_trgm_idx') "
        + "AND indexdef LIKE '%extensions.gin_trgm_ops%'"));
  }
}
