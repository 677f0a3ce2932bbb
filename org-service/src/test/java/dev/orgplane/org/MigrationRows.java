package dev.orgplane.org;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;

/** What a migration test writes first, at the schema version it starts from: one organization in one group. */
public final class MigrationRows {

  /** The organization's id, quoted for SQL. */
  public static final String ORG = "'00000000-0000-7000-8000-000000000002'";

  private MigrationRows() {
  }

  /** A group and its organization {@link #ORG}, written with the columns every version since V1 has. */
  public static void anOrganization(PgUrl db) {
    PgFixture.execute(db,
        "INSERT INTO org.organization_groups (id, name) VALUES ('00000000-0000-7000-8000-000000000001', 'g')",
        "INSERT INTO org.organizations (id, name, title, group_id) VALUES (" + ORG + ", 'o', 't', "
            + "'00000000-0000-7000-8000-000000000001')");
  }
}
