package dev.orgplane.org.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** V27 makes group names unique regardless of case: what it does to the names stored before it. */
class GroupNamesMigrationTest {

  private static final String PLATFORMS = "00000000-0000-7000-8000-000000000001";
  private static final String OLDER_OWN = "00000000-0000-7000-8000-000000000002";
  private static final String NEWER_OWN = "00000000-0000-7000-8000-000000000003";
  private static final String PADDED = "00000000-0000-7000-8000-000000000004";
  private static final String BLANK = "00000000-0000-7000-8000-000000000005";
  private static final String LONG = "00000000-0000-7000-8000-000000000006";
  private static final String LONG_TWIN = "00000000-0000-7000-8000-000000000007";

  @Test
  void sharedNamesAreKeptByThePlatformAdminsGroupOrTheOldestAndTheOthersTakeTheirIds() throws SQLException {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 26);
    var longName = "L".repeat(256);
    PgFixture.execute(db, "INSERT INTO org.organization_groups (id, name, made_for_organization, created_at) VALUES "
        + "('" + NEWER_OWN + "', 'acme', true, now() - interval '1 day'), "
        + "('" + OLDER_OWN + "', 'ACME', true, now() - interval '2 days'), "
        + "('" + PLATFORMS + "', ' Acme ', false, now()), "
        + "('" + PADDED + "', '  padded  ', false, now()), "
        + "('" + BLANK + "', '   ', false, now()), "
        + "('" + LONG + "', '" + longName + "', false, now() - interval '1 day'), "
        + "('" + LONG_TWIN + "', '" + longName.toLowerCase() + "', false, now())");

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    var expected = new HashMap<String, String>();
    expected.put(PLATFORMS, "Acme");
    expected.put(OLDER_OWN, "ACME-" + OLDER_OWN);
    expected.put(NEWER_OWN, "acme-" + NEWER_OWN);
    expected.put(PADDED, "padded");
    expected.put(BLANK, "group-" + BLANK);
    expected.put(LONG, longName);
    expected.put(LONG_TWIN, "l".repeat(219) + "-" + LONG_TWIN);
    assertEquals(expected, names(db));
  }

  private static Map<String, String> names(PgUrl db) throws SQLException {
    var names = new HashMap<String, String>();
    try (var conn = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var rows = conn.createStatement().executeQuery("SELECT id, name FROM org.organization_groups")) {
      while (rows.next()) {
        names.put(rows.getString("id"), rows.getString("name"));
      }
    }
    return names;
  }
}
