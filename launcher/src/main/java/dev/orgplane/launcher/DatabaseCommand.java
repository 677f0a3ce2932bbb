package dev.orgplane.launcher;

import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.PgUrl;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The embedded PostgreSQL of {@code standalone}, alone: a database for org-service, the engine and the gateway run as
 * processes of their own, on a machine with only a JDK. It is standalone's, on the same data directory: claimed and
 * locked as standalone claims it (so either refuses while the other runs on it), the same password file, its address
 * recorded for {@code orgplane admin}, and stopped, and its address taken away, when the process is (Ctrl-C, SIGTERM).
 */
@Command(name = "database", mixinStandardHelpOptions = true,
    description = "Run standalone's embedded PostgreSQL alone, for org-service, engine and gateway run apart.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.FAILED_START, " " + ExitCodes.USAGE_ERROR, ExitCodes.STOPPED_BY_SIGTERM})
final class DatabaseCommand implements Runnable {

  /** Stands for the password in the address printed: the output may be kept anywhere (a terminal, a log). */
  private static final String PASSWORD = "PASSWORD";

  @Mixin
  ConfigOptions options;

  @Override
  public void run() {
    var process = new PlatformProcess();
    var settings = new Settings(process.loadConfig(options.asJson()));
    EmbeddedDatabase database;
    try {
      var dataDir = DataDirectory.claim(Path.of(settings.string("ORGPLANE_DATA_DIR")));
      process.closeAfterServices(dataDir);
      database = EmbeddedDatabase.startFor(process, dataDir, settings);
    } catch (Throwable e) {
      process.abort();
      throw e;
    }
    var dataDir = database.dataDirectory();
    var url = database.url();
    var recorded = EmbeddedDatabase.recordedUrl(dataDir);
    System.out.printf("""
        Orgplane's embedded PostgreSQL is up on %s (started in %d ms); run org-service and the engine with
          ORGPLANE_PG_URL=%s
        where %s is the one in %s (readable by you only), or take the whole URL from %s while this runs:
          export ORGPLANE_PG_URL="$(cat "%s")"
        """, dataDir, process.millisSinceStart(),
        new PgUrl(url.host(), url.port(), url.database(), url.user(), PASSWORD, url.tls()), PASSWORD,
        dataDir.resolve(DatabasePassword.FILE), recorded, recorded);
    process.runUntilStopped();
  }
}
