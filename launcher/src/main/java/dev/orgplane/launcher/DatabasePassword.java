package dev.orgplane.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The embedded PostgreSQL's superuser password. zonky runs initdb with {@code -A trust}, which lets every user of
 * the machine connect as superuser without one. So a new server asks every connection for the password
 * (scram-sha-256), a random one that lives in {@value #FILE} in the data directory, readable by this user only.
 * A server made by an earlier version, which trusts, is given the password at its first start with this one: the
 * password is set, pg_hba.conf replaced and the server told to reload it before any service connects; its data
 * stays.
 */
final class DatabasePassword {

  static final String FILE = "postgres.password";
  private static final String SUPERUSER = "postgres";
  /** pg_hba.conf given to a server that trusted: the password for every connection, from anywhere it listens. */
  private static final String PASSWORD_ONLY = """
      # orgplane: every connection proves the password in postgres.password, in the data directory
      local   all   all                 scram-sha-256
      host    all   all   127.0.0.1/32  scram-sha-256
      host    all   all   ::1/128       scram-sha-256
      """;

  private final Path file;
  private final Path hba;
  private final String value;
  private final boolean trusting;

  private DatabasePassword(Path file, Path hba, String value, boolean trusting) {
    this.file = file;
    this.hba = hba;
    this.value = value;
    this.trusting = trusting;
  }

  /** The password of the server in {@code pgDir} (made now if it has none yet), before the server starts. */
  static DatabasePassword of(Path dataDir, Path pgDir) throws IOException {
    var file = dataDir.resolve(FILE);
    var hba = pgDir.resolve("pg_hba.conf");
    boolean made = Files.exists(hba);
    boolean trusting = made && trusts(hba);
    var recorded = Files.exists(file) ? Files.readString(file).trim() : "";
    if (!recorded.isEmpty()) {
      return new DatabasePassword(file, hba, recorded, trusting);
    }
    if (made && !trusting) {
      throw new LauncherException("the embedded PostgreSQL in " + pgDir + " asks for the password that " + file
          + " held, and that file is missing or empty");
    }
    var fresh = RandomSecret.generate();
    PrivateFiles.write(file, fresh + "\n");
    return new DatabasePassword(file, hba, fresh, trusting);
  }

  String value() {
    return value;
  }

  /**
   * How initdb makes a new server ask for this password. zonky hands its locale settings to initdb as
   * {@code --name=value}, after its own {@code -A trust}, which these override.
   */
  Map<String, String> initdbOptions() {
    return Map.of("auth-local", "scram-sha-256", "auth-host", "scram-sha-256", "pwfile", file.toString());
  }

  /** Makes a server that trusted, made by an earlier version, ask for the password from now on. */
  void require(EmbeddedPostgres postgres) throws IOException, SQLException {
    if (!trusting) {
      return;
    }
    try (var connection = postgres.getPostgresDatabase().getConnection();
        var statement = connection.createStatement()) {
      statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + value.replace("'", "''") + "'");
      PrivateFiles.write(hba, PASSWORD_ONLY);
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  /** Whether a line of pg_hba.conf lets a connection in without a password. */
  private static boolean trusts(Path hba) throws IOException {
    return Files.readAllLines(hba).stream()
        .map(line -> line.replaceFirst("#.*", "").trim())
        .anyMatch(line -> List.of(line.split("\\s+")).contains("trust"));
  }
}
