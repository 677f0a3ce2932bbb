package dev.orgplane.launcher;

import dev.orgplane.kit.config.ConfigLoader;
import dev.orgplane.kit.config.Settings;
import dev.orgplane.kit.db.Database;
import dev.orgplane.kit.db.PgUrl;
import dev.orgplane.kit.http.ApiException;
import dev.orgplane.kit.http.Ids;
import dev.orgplane.org.OrgServiceVerticle;
import dev.orgplane.org.identity.SigningSchedule;
import dev.orgplane.org.ops.OperatorCommands;
import dev.orgplane.org.user.VerifiedAppointee;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Operator commands. They work on the database: {@code ORGPLANE_PG_URL}, or the embedded one of a standalone platform
 * or of {@code orgplane database} using the same data directory (either records its address there). They change rows,
 * never the schema: migrating is the platform's, at its start, where an upgrade is planned; a database lacking
 * org-service's migrations (not set up yet, or an older version's) is refused with {@value #NOT_MIGRATED}.
 * A standalone platform on another database ({@code ORGPLANE_PG_URL}) records none: the operator is told to name it.
 *
 * <p>The embedded database's recorded address is used only while one of them holds the data directory:
 * once it has stopped, whoever listens on that port could ask for the password in clear text and be given the
 * superuser's. Without one running, {@value #PLATFORM_NOT_RUNNING}.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operator commands (need database access).",
    scope = ScopeType.INHERIT,
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {AdminCommand.ExitCodeLines.DONE_OR_HELD, AdminCommand.ExitCodeLines.FAILURE, ExitCodes.USAGE_ERROR,
        AdminCommand.ExitCodeLines.PLATFORM_NOT_RUNNING, AdminCommand.ExitCodeLines.NOT_MIGRATED,
        AdminCommand.EMAIL_NOT_VERIFIED + ":" + AdminCommand.MAKE_PLATFORM_ADMIN + " and "
            + AdminCommand.GRANT_GROUP_ADMIN + " only: " + AdminCommand.ExitCodeLines.NOT_VERIFIED_MEANING})
final class AdminCommand implements Runnable {

  /** EX_TEMPFAIL of sysexits.h: nothing was done; once the platform has started on the database, try again. */
  static final int NOT_MIGRATED = 75;

  /**
   * EX_UNAVAILABLE of sysexits.h: neither a standalone platform nor {@code orgplane database} runs on the data
   * directory, so its database is not there.
   */
  static final int PLATFORM_NOT_RUNNING = 69;

  /**
   * EX_NOPERM of sysexits.h: the account's address is not verified, so it is made neither a platform admin nor a
   * group admin ({@link VerifiedAppointee}); nothing was done.
   */
  static final int EMAIL_NOT_VERIFIED = 77;

  static final String MAKE_PLATFORM_ADMIN = "make-platform-admin";
  static final String GRANT_GROUP_ADMIN = "grant-group-admin";

  /**
   * An operation's help shows its own options only; admin's go before the operation's name (after it they are
   * unknown options), so each operation's footer says so.
   */
  private static final String ADMIN_OPTIONS_FIRST = "%nAdmin's options (-s, --set: see its --help) go before the "
      + "operation's name:%n  ${PARENT-COMMAND-FULL-NAME} --set KEY=VALUE ${COMMAND-NAME} ...";

  /**
   * The lines of the exit code lists, each written once ({@link ExitCodes}). Every operation lists the codes of
   * {@link #run(Function)} but 77, which only those that appoint an admin ({@link VerifiedAppointee}) return; admin's
   * own list has them all, naming those two at 77. Admin's scope hands down the heading; each operation sets its list.
   */
  static final class ExitCodeLines {
    static final String DONE = " 0:done, said on stdout";
    static final String DONE_OR_HELD = " 0:done, or nothing to change (the rights held already), said on stdout";
    static final String FAILURE = " " + ExitCodes.FAILURE + " (no such user, a database it cannot reach)";
    static final String DATABASE_FAILURE = " " + ExitCodes.FAILURE + " (a database it cannot reach)";
    static final String PLATFORM_NOT_RUNNING = AdminCommand.PLATFORM_NOT_RUNNING + ":no standalone platform or "
        + "orgplane database runs on ORGPLANE_DATA_DIR, and ORGPLANE_PG_URL is not set (EX_UNAVAILABLE)";
    static final String NOT_MIGRATED = AdminCommand.NOT_MIGRATED + ":the database lacks org-service's migrations; "
        + "nothing was done: start the platform of this version on it, then try again (EX_TEMPFAIL)";
    static final String NOT_VERIFIED_MEANING = "the account's address is not verified, so it is made no admin; "
        + "nothing was done (EX_NOPERM)";
    static final String EMAIL_NOT_VERIFIED = AdminCommand.EMAIL_NOT_VERIFIED + ":" + NOT_VERIFIED_MEANING;

    private ExitCodeLines() {
    }
  }

  @Mixin
  ConfigOptions options;

  @Spec
  CommandSpec spec;

  /** {@code admin} alone: the operation is missing. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name an operation");
  }

  @Command(name = "rotate-signing-key", mixinStandardHelpOptions = true,
      exitCodeList = {ExitCodeLines.DONE, ExitCodeLines.DATABASE_FAILURE, ExitCodes.USAGE_ERROR,
          ExitCodeLines.PLATFORM_NOT_RUNNING, ExitCodeLines.NOT_MIGRATED}, footer = ADMIN_OPTIONS_FIRST,
      description = "Make a new token signing key, published at once and signing once every service has fetched it; "
          + "tokens signed by the old one stay valid until they expire.")
  int rotateSigningKey() {
    return run(ops -> ops.rotateSigningKey().map(key -> "new signing key " + key.kid() + ", published now; it signs "
        + "from " + key.signsFrom() + ", the old key until then"));
  }

  @Command(name = GRANT_GROUP_ADMIN, mixinStandardHelpOptions = true,
      exitCodeList = {ExitCodeLines.DONE_OR_HELD, ExitCodeLines.FAILURE, ExitCodes.USAGE_ERROR,
          ExitCodeLines.PLATFORM_NOT_RUNNING, ExitCodeLines.NOT_MIGRATED, ExitCodeLines.EMAIL_NOT_VERIFIED},
      footer = ADMIN_OPTIONS_FIRST,
      description = "Make an existing user, whose address is verified, an admin of an organization group.")
  int grantGroupAdmin(@Option(names = "--group", required = true, converter = StrictUuid.class) UUID group,
      @Option(names = "--email", required = true) String email) {
    return run(ops -> ops.grantGroupAdmin(group, email).map(changed -> changed
        ? email + " is now an admin of group " + group
        : email + " is already an admin of group " + group + "; nothing changed"));
  }

  @Command(name = "revoke-group-admin", mixinStandardHelpOptions = true,
      exitCodeList = {ExitCodeLines.DONE, ExitCodeLines.FAILURE, ExitCodes.USAGE_ERROR,
          ExitCodeLines.PLATFORM_NOT_RUNNING, ExitCodeLines.NOT_MIGRATED}, footer = ADMIN_OPTIONS_FIRST,
      description = "Remove a user's admin rights over an organization group.")
  int revokeGroupAdmin(@Option(names = "--group", required = true, converter = StrictUuid.class) UUID group,
      @Option(names = "--email", required = true) String email) {
    return run(ops -> ops.revokeGroupAdmin(group, email)
        .map(user -> email + " is no longer an admin of group " + group));
  }

  @Command(name = MAKE_PLATFORM_ADMIN, mixinStandardHelpOptions = true,
      exitCodeList = {ExitCodeLines.DONE_OR_HELD, ExitCodeLines.FAILURE, ExitCodes.USAGE_ERROR,
          ExitCodeLines.PLATFORM_NOT_RUNNING, ExitCodeLines.NOT_MIGRATED, ExitCodeLines.EMAIL_NOT_VERIFIED},
      footer = ADMIN_OPTIONS_FIRST,
      description = "Give an existing user, whose address is verified, platform admin rights.")
  int makePlatformAdmin(@Option(names = "--email", required = true) String email) {
    return run(ops -> ops.makePlatformAdmin(email).map(changed -> changed
        ? email + " is now a platform admin" : email + " is already a platform admin; nothing changed"));
  }

  @Command(name = "end-sessions", mixinStandardHelpOptions = true,
      exitCodeList = {ExitCodeLines.DONE, ExitCodeLines.FAILURE, ExitCodes.USAGE_ERROR,
          ExitCodeLines.PLATFORM_NOT_RUNNING, ExitCodeLines.NOT_MIGRATED}, footer = ADMIN_OPTIONS_FIRST,
      description = "End every session of a user (their tokens and refresh tokens); the password stays.")
  int endSessions(@ArgGroup(multiplicity = "1") SessionsOwner owner) {
    return run(ops -> owner.endSessions(ops).map(v -> owner.name() + "'s sessions are ended (every service refuses "
        + "their tokens within ORGPLANE_REVOCATION_RELOAD_MILLIS)"));
  }

  /** Whose sessions end: an account with an address, or any by its id (the provisioning engine's has no address). */
  static final class SessionsOwner {
    @Option(names = "--email", required = true)
    String email;

    @Option(names = "--user-id", required = true, converter = StrictUuid.class)
    UUID userId;

    Future<Void> endSessions(OperatorCommands ops) {
      return email != null ? ops.endSessions(email) : ops.endSessionsOf(userId);
    }

    String name() {
      return email != null ? email : userId.toString();
    }
  }

  /**
   * An id as written, 8-4-4-4-12 hex digits ({@link Ids#parse}): picocli's {@link UUID#fromString} takes other texts
   * for ids, {@code 1-1-1-1-1} among them, and the operator would act on an account or group they did not name.
   */
  static final class StrictUuid implements ITypeConverter<UUID> {
    @Override
    public UUID convert(String value) {
      if (!Ids.isUuid(value)) {
        throw new TypeConversionException("'" + value + "' is not an id (8-4-4-4-12 hex digits)");
      }
      return Ids.parse(value);
    }
  }

  /** Runs {@code command} on the database; answers the exit code. */
  private int run(Function<OperatorCommands, Future<String>> command) {
    var vertx = Vertx.vertx();
    try {
      var settings = new Settings(ConfigLoader.load(vertx, options.asJson()).await());
      if (!settings.has("ORGPLANE_PG_URL") && !DataDirectory.inUse(dataDir(settings))) {
        System.err.println("orgplane: neither a standalone platform nor orgplane database runs on "
            + dataDir(settings).toAbsolutePath() + " (ORGPLANE_DATA_DIR): start one, or set ORGPLANE_PG_URL, then run "
            + "this again");
        return PLATFORM_NOT_RUNNING;
      }
      var url = databaseUrl(settings);
      int pending = vertx.executeBlocking(() -> OrgServiceVerticle.MIGRATIONS.pendingIn(url), false).await();
      if (pending > 0) {
        System.err.println("orgplane: the database " + url.redacted() + " lacks " + pending + " of org-service's "
            + "migrations: start the platform (standalone, or org-service) of this version on it first, then run "
            + "this again; operator commands do not change the schema");
        return NOT_MIGRATED;
      }
      var pool = Database.open(vertx, url, 2, List.of()).await();
      var ops = new OperatorCommands(vertx, pool,
          SigningSchedule.from(settings, OrgServiceVerticle.tokenLifetimeSeconds(settings)));
      System.out.println(command.apply(ops).eventually(pool::close).await());
      return 0;
    } catch (ApiException refused) {
      if (!VerifiedAppointee.NOT_VERIFIED.equals(refused.code())) {
        throw refused;
      }
      System.err.println("orgplane: " + refused.getMessage() + "; run this again once it is");
      return EMAIL_NOT_VERIFIED;
    } finally {
      vertx.close().await();
    }
  }

  private static PgUrl databaseUrl(Settings settings) {
    if (settings.has("ORGPLANE_PG_URL")) {
      return PgUrl.parse(settings.string("ORGPLANE_PG_URL"));
    }
    var recorded = EmbeddedDatabase.recordedUrl(dataDir(settings));
    try {
      return PgUrl.parse(Files.readString(recorded).trim());
    } catch (NoSuchFileException e) {
      // a platform or `orgplane database` holds the directory (run checked), and has recorded no address
      throw new LauncherException("the standalone platform or orgplane database running on "
          + recorded.getParent().toAbsolutePath() + " (ORGPLANE_DATA_DIR) has recorded no database: a platform given "
          + "ORGPLANE_PG_URL uses the one it names (set ORGPLANE_PG_URL here too), or the embedded PostgreSQL has not "
          + "started yet (run this again once it is up)");
    } catch (IOException e) {
      throw new LauncherException("cannot read " + recorded.toAbsolutePath() + ": " + FileFailure.why(e, recorded), e);
    }
  }

  private static Path dataDir(Settings settings) {
    return Path.of(settings.string("ORGPLANE_DATA_DIR"));
  }
}
