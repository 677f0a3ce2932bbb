package dev.orgplane.kit.testing;

import dev.orgplane.kit.db.Migrations;
import dev.orgplane.kit.db.PgTls;
import dev.orgplane.kit.db.PgUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The project's one PostgreSQL for tests. One server per test JVM, chosen in this order:
 * {@code ORGPLANE_TEST_PG_URL} (an external server whose user may create databases), Testcontainers
 * when a Docker engine answers, else an embedded PostgreSQL (zonky). Each test class asks for a
 * fresh database; it is cloned from a template that was migrated once per set of migrations, so a
 * new database costs a file copy rather than a migration run.
 */
public final class PgFixture {

  /** The variable naming an external server: read by the tests alone, so the platforms they start are not given it. */
  public static final String EXTERNAL_SERVER = "ORGPLANE_TEST_PG_URL";

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Map<String, String> TEMPLATES = new HashMap<>();
  private static PgUrl server;

  private PgFixture() {
  }

  /** The admin URL of the shared server (database {@code postgres}). */
  public static synchronized PgUrl server() {
    if (server == null) {
      server = start();
    }
    return server;
  }

  /** A new, empty-of-data database with the given migrations applied. */
  public static PgUrl freshDatabase(Migrations... migrations) {
    var admin = server();
    var template = templateFor(admin, List.of(migrations));
    var name = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute(admin, "CREATE DATABASE " + name + " TEMPLATE " + template);
    return admin.withDatabase(name);
  }

  /** A new database with {@code migrations} applied up to {@code version} only, to test the migration after it. */
  public static PgUrl databaseAt(Migrations migrations, int version) {
    var admin = server();
    var name = "v" + version + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute(admin, "CREATE DATABASE " + name);
    var db = admin.withDatabase(name);
    migrations.applyTo(db, version);
    return db;
  }

  private static synchronized String templateFor(PgUrl admin, List<Migrations> migrations) {
    var key = migrations.stream().map(m -> m.schema() + "@" + m.location()).collect(Collectors.joining(","));
    return TEMPLATES.computeIfAbsent(key, k -> {
      var name = "tmpl" + ProcessHandle.current().pid() + "_" + TEMPLATES.size();
      execute(admin, "CREATE DATABASE " + name);
      migrations.forEach(m -> m.applyTo(admin.withDatabase(name)));
      return name;
    });
  }

  private static PgUrl start() {
    var external = System.getenv(EXTERNAL_SERVER);
    if (external != null && !external.isBlank()) {
      return PgUrl.parse(external);
    }
    if (dockerAnswers()) {
      var container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new PgUrl(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
          container.getUsername(), container.getPassword());
    }
    try {
      var embedded = EmbeddedPostgres.builder()
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off")
          .setServerConfig("max_connections", "300")
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          embedded.close();
        } catch (java.io.IOException ignored) {
          // the JVM is going away; the temporary data folder is removed by zonky on next start
        }
      }));
      return new PgUrl("localhost", embedded.getPort(), "postgres", "postgres", "postgres", PgTls.DISABLE);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot start embedded PostgreSQL", e);
    }
  }

  private static boolean dockerAnswers() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Runs statements against a database of the shared server; for test setup only. */
  public static void execute(PgUrl url, String... statements) {
    try (var conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         var st = conn.createStatement()) {
      for (var sql : statements) {
        st.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + Arrays.toString(statements) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Until {@code count} statements of this database wait for a lock: a race test's request has reached the rows
   * another transaction holds.
   */
  public static void awaitLockWaits(PgUrl url, long count) throws InterruptedException {
    Eventually.holds(() -> lockWaits(url) >= count, "fewer than " + count + " statements ever waited for a lock");
  }

  /** How many statements of this database wait for a lock now. */
  public static long lockWaits(PgUrl url) {
    return queryLong(url, "SELECT count(*) FROM pg_stat_activity "
        + "WHERE datname = current_database() AND wait_event_type = 'Lock'");
  }

  /** The first column of the first row of {@code sql} as a number (a count, say); for test checks only. */
  public static long queryLong(PgUrl url, String sql) {
    return firstValue(url, sql, rows -> rows.getLong(1));
  }

  /** The first column of the first row of {@code sql} as text (a hook's secret, say); for test checks only. */
  public static String queryString(PgUrl url, String sql) {
    return firstValue(url, sql, rows -> rows.getString(1));
  }

  /** How a value is read from the row a result set is on. */
  private interface Column<T> {
    T read(ResultSet rows) throws SQLException;
  }

  private static <T> T firstValue(PgUrl url, String sql, Column<T> column) {
    try (var conn = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         var st = conn.createStatement();
         var rows = st.executeQuery(sql)) {
      rows.next();
      return column.read(rows);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }
}
