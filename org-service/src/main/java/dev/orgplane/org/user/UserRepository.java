package dev.orgplane.org.user;

import dev.orgplane.kit.auth.RevokedToken;
import dev.orgplane.kit.db.TimeOrderedIds;
import dev.orgplane.org.role.PermissionCatalog;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** SQL over {@code org.users}. */
public final class UserRepository {

  private UserRepository() {
  }

  /**
   * Inserts a user, made by {@code createdBy} (null for one who registered); answers empty when the email is taken (in
   * any letter case).
   */
  public static Future<Optional<User>> insert(SqlClient client, String email, String name, String passwordHash,
      boolean platformAdmin, UUID createdBy) {
    return client.preparedQuery("INSERT INTO org.users (id, email, name, password_hash, platform_admin, created_by) "
            + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ((lower(email))) DO NOTHING RETURNING " + User.COLUMNS)
        .mapping(User.MAPPER)
        .execute(Tuple.of(TimeOrderedIds.next(), email, name, passwordHash, platformAdmin, createdBy))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  public static Future<Optional<User>> byEmail(SqlClient client, String email) {
    return byEmail(client, email, false);
  }

  /**
   * Stores {@code replacement} as the hash of the same password, if the stored one is still {@code expected} (a
   * password changed meanwhile stays changed); answers whether it did. It ends no session: the password is the same.
   */
  public static Future<Boolean> replacePasswordHash(SqlClient client, UUID id, String expected, String replacement) {
    return client.preparedQuery("UPDATE org.users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
        .execute(Tuple.of(id, expected, replacement))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * {@link #byEmail}, the row locked for the rest of the caller's transaction with {@code forUpdate}: an account
   * moving to another address meanwhile is waited for, and then not found by the address it left.
   */
  public static Future<Optional<User>> byEmail(SqlClient client, String email, boolean forUpdate) {
    return byEmail(client, email, forUpdate ? " FOR UPDATE" : "");
  }

  /**
   * {@link #byEmail}, the row share-locked for the rest of the caller's transaction ({@link #holdById}'s lock): an
   * account moving to another address meanwhile is waited for, and then not found by the address it left.
   */
  public static Future<Optional<User>> holdByEmail(SqlClient tx, String email) {
    return byEmail(tx, email, " FOR SHARE");
  }

  private static Future<Optional<User>> byEmail(SqlClient client, String email, String lock) {
    return client.preparedQuery("SELECT " + User.COLUMNS + " FROM org.users WHERE lower(email) = lower($1)" + lock)
        .mapping(User.MAPPER)
        .execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  public static Future<Optional<User>> byId(SqlClient client, UUID id) {
    return byId(client, id, false);
  }

  /** {@link #byId}, the row locked for the rest of the caller's transaction with {@code forUpdate}. */
  public static Future<Optional<User>> byId(SqlClient client, UUID id, boolean forUpdate) {
    return byId(client, id, forUpdate ? " FOR UPDATE" : "");
  }

  /**
   * {@link #byId}, the row share-locked for the rest of the caller's transaction: a change of the account's address
   * under way is waited for, and none is made until the transaction ends. The FOR KEY SHARE a foreign key to the row
   * takes does not hold the address: its unique index is on an expression, {@code lower(email)}, so changing it is
   * no key update, which only FOR SHARE and stronger wait for.
   */
  public static Future<Optional<User>> holdById(SqlClient tx, UUID id) {
    return byId(tx, id, " FOR SHARE");
  }

  private static Future<Optional<User>> byId(SqlClient client, UUID id, String lock) {
    return client.preparedQuery("SELECT " + User.COLUMNS + " FROM org.users WHERE id = $1" + lock)
        .mapping(User.MAPPER)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  /** Whether {@code id} is a person: neither a service user nor the provisioning engine. */
  public static Future<Boolean> isPerson(SqlClient client, UUID id) {
    return personhood(client, id).map(person -> person.orElse(false));
  }

  /**
   * {@link #isPerson}, the row held for the rest of the caller's transaction (FOR KEY SHARE, what a foreign key to it
   * takes): an account's deletion under way, which holds the row FOR UPDATE, is waited for, and the person is then
   * not found, rather than a membership made for them failing on its foreign key.
   */
  public static Future<Boolean> holdPerson(SqlClient tx, UUID id) {
    return tx.preparedQuery(PERSONHOOD + " FOR KEY SHARE").execute(Tuple.of(id))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("person"));
  }

  /**
   * Whether {@code id} is a person who has not verified their address yet (a service user and the provisioning engine
   * have none to verify).
   */
  public static Future<Boolean> isUnverifiedPerson(SqlClient client, UUID id) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.users WHERE id = $1 AND service_org_id IS NULL "
            + "AND NOT provisioner AND email_verified_at IS NULL) AS unverified").execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getBoolean("unverified"));
  }

  /** Whether {@code id} is a service user of the organization {@code orgId}. */
  public static Future<Boolean> isServiceUserOf(SqlClient client, UUID orgId, UUID id) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM org.users WHERE service_org_id = $1 AND id = $2) "
            + "AS service").execute(Tuple.of(orgId, id))
        .map(rows -> rows.iterator().next().getBoolean("service"));
  }

  private static final String PERSONHOOD = "SELECT service_org_id IS NULL AND NOT provisioner AS person FROM org.users "
      + "WHERE id = $1";

  /** {@link #isPerson} in one statement with whether the user exists: empty if there is none. */
  public static Future<Optional<Boolean>> personhood(SqlClient client, UUID id) {
    return client.preparedQuery(PERSONHOOD)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean("person")));
  }

  /**
   * The person {@code id} (no service user, not the provisioning engine), with whether {@code viewer} lists them
   * among the members of an organization: one where the viewer holds {@link PermissionCatalog#USER_LIST}, as
   * {@code AccessPolicy} grants it (by role, custom role, group or platform admin rights, or as the engine; in a
   * disabled organization only by administering it), within {@code scope} when the viewer's token has one.
   */
  public static Future<Optional<Sighting>> person(SqlClient client, UUID id, UUID viewer, UUID scope) {
    return client.preparedQuery(PERSON)
        .execute(Tuple.of(id, viewer, scope, LISTING_ROLES, PermissionCatalog.USER_LIST))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next())
            .map(row -> new Sighting(User.MAPPER.apply(row), row.getBoolean("listed"))));
  }

  /** A person, and whether the viewer who asked lists them as a member somewhere. */
  public record Sighting(User user, boolean listed) {
  }

  private static final String[] LISTING_ROLES = PermissionCatalog.PREDEFINED_ROLES.entrySet().stream()
      .filter(role -> role.getValue().contains(PermissionCatalog.USER_LIST)).map(Map.Entry::getKey).sorted()
      .toArray(String[]::new);
  private static final String PERSON = "SELECT " + User.COLUMNS + ", EXISTS (SELECT 1 FROM org.memberships t "
      + "JOIN org.organizations o ON o.id = t.org_id JOIN org.users v ON v.id = $2 "
      + "WHERE t.user_id = $1 AND ($3::uuid IS NULL OR o.id = $3) AND (v.platform_admin OR v.provisioner "
      + "OR EXISTS (SELECT 1 FROM org.group_admins ga WHERE ga.group_id = o.group_id AND ga.user_id = $2) "
      + "OR o.state = 'enabled' AND EXISTS (SELECT 1 FROM org.memberships m WHERE m.org_id = o.id AND m.user_id = $2 "
      + "AND (m.roles && $4::text[] OR EXISTS (SELECT 1 FROM org.roles r WHERE r.org_id = o.id "
      + "AND r.name = ANY (m.roles) AND $5 = ANY (r.permissions)))))) AS listed "
      + "FROM org.users WHERE id = $1 AND service_org_id IS NULL AND NOT provisioner";

  public static Future<Boolean> anyPlatformAdmin(SqlClient client) {
    return client.query("SELECT EXISTS (SELECT 1 FROM org.users WHERE platform_admin) AS present").execute()
        .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  public static Future<User> rename(SqlClient client, UUID id, String name) {
    return client.preparedQuery("UPDATE org.users SET name = $2, updated_at = now() WHERE id = $1 RETURNING "
            + User.COLUMNS)
        .mapping(User.MAPPER)
        .execute(Tuple.of(id, name))
        .map(rows -> {
          if (rows.size() == 0) {
            throw RevokedToken.userGone();
          }
          return rows.iterator().next();
        });
  }
}
