package dev.orgplane.org.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.orgplane.kit.testing.PgFixture;
import dev.orgplane.org.OrgServiceVerticle;
import org.junit.jupiter.api.Test;

/**
 * V61 records who rotated each group's create key, as the audit trail tells it: a key whose rotator no longer runs the
 * group is voided, as their revocation voids one now.
 */
class CreateKeyRotatorsMigrationTest {

  private static final String ADMIN = "00000000-0000-7000-8000-0000000000a1";
  private static final String REVOKED = "00000000-0000-7000-8000-0000000000a2";
  private static final String PLATFORM_ADMIN = "00000000-0000-7000-8000-0000000000a3";
  private static final String DELETED = "00000000-0000-7000-8000-0000000000a4";

  @Test
  void aKeyIsKeptAsItsRotatorsWhileTheyRunTheGroupAndVoidedOnceTheyDoNot() {
    var db = PgFixture.databaseAt(OrgServiceVerticle.MIGRATIONS, 60);
    PgFixture.execute(db,
        "INSERT INTO org.users (id, email, platform_admin) VALUES ('" + ADMIN + "', 'admin@test.local', false), "
            + "('" + REVOKED + "', 'revoked@test.local', false), "
            + "('" + PLATFORM_ADMIN + "', 'platform@test.local', true)",
        "INSERT INTO org.organization_groups (id, name, create_key_hash) SELECT ('00000000-0000-7000-8000-00000000000'"
            + " || n)::uuid, 'group-' || n, 'hash-' || n FROM generate_series(1, 6) n",
        "INSERT INTO org.group_admins (group_id, user_id) VALUES ('" + group(1) + "', '" + ADMIN + "'), "
            + "('" + group(6) + "', '" + ADMIN + "')",
        "INSERT INTO org.audit_events (actor, action, target) VALUES "
            + rotation(1, ADMIN) + ", " + rotation(2, REVOKED) + ", " + rotation(3, PLATFORM_ADMIN) + ", "
            + rotation(4, DELETED) + ", " + rotation(6, ADMIN) + ", " + rotation(6, REVOKED));

    OrgServiceVerticle.MIGRATIONS.applyTo(db);

    assertEquals(String.join(",", "1 hash-1 " + ADMIN, "2 - -", "3 hash-3 -", "4 - -", "5 hash-5 -", "6 - -"),
        PgFixture.queryString(db, "SELECT string_agg(right(id::text, 1) || ' ' || coalesce(create_key_hash, '-') "
            + "|| ' ' || coalesce(create_key_rotated_by::text, '-'), ',' ORDER BY id) FROM org.organization_groups"),
        "a key rotated last by someone who no longer runs the group is voided; one from the group's creation stays");
  }

  private static String group(int n) {
    return "00000000-0000-7000-8000-00000000000" + n;
  }

  private static String rotation(int group, String actor) {
    return "('" + actor + "', 'organization_group.create_key_rotated', 'organization_group:" + group(group) + "')";
  }
}
